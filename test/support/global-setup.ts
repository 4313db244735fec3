import { type LocalAws, startLocalAws } from '#infra/local/local-aws.js';

/** One local AWS per test run (skipped when AWS_ENDPOINT_URL already points at one). */
let aws: LocalAws | undefined;

export async function setup(): Promise<void> {
  aws = await startLocalAws();
  // Workers are forked after this, so they inherit the endpoint and dummy credentials.
  process.env.PRSM_TEST_AWS_ENDPOINT = aws.endpoint;
}

export async function teardown(): Promise<void> {
  await aws?.stop();
}
