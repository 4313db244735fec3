import * as z from 'zod';

/** Everything a function reads from its environment, validated once, failing fast. */
const configSchema = z.object({
  STAGE: z.string().min(1).default('local'),
  AWS_REGION: z.string().min(1).default('us-east-1'),
  AWS_ENDPOINT_URL: z.url().optional(),
  TABLE_NAME: z.string().min(1),
  BUCKET_NAME: z.string().min(1),
  /** JSON object of queue id -> queue URL, for the queues a function sends to or watches. */
  QUEUE_URLS: z
    .string()
    .default('{}')
    .transform((text) => z.record(z.string(), z.url()).parse(JSON.parse(text))),
  SCHEDULE_INTERVAL_SECONDS: z.coerce.number().int().positive().default(300),
});

export type Config = z.infer<typeof configSchema>;

let cached: Config | undefined;

export function config(): Config {
  cached ??= configSchema.parse(process.env);
  return cached;
}

export function queueUrl(queueId: string): string {
  const url = config().QUEUE_URLS[queueId];
  if (!url) throw new Error(`QUEUE_URLS has no URL for queue "${queueId}"`);
  return url;
}
