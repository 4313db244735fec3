/**
 * The local AWS (moto) serialises DynamoDB requests and copies tables on every transaction, so
 * under load it answers far slower than AWS: against it, every time limit is AWS's times this
 * factor (`PRSM_LOCAL_TIMEOUT_FACTOR`, default 4; 20 in test runs). Against AWS it is 1.
 */
export function localTimeoutFactor(env: NodeJS.ProcessEnv = process.env): number {
  if (!env.AWS_ENDPOINT_URL) return 1;
  const factor = Number(env.PRSM_LOCAL_TIMEOUT_FACTOR ?? 4);
  return Number.isFinite(factor) && factor > 0 ? factor : 4;
}
