import { Webhook, WebhookVerificationError } from 'standardwebhooks';

export { WebhookVerificationError };

/**
 * The event of a webhook delivery, once its `webhook-id`, `webhook-timestamp` and
 * `webhook-signature` headers are verified with the endpoint's `whsec_` secret (Standard
 * Webhooks: HMAC-SHA256 of `id.timestamp.body`, a timestamp within five minutes). During a
 * secret's rotation the delivery carries a signature per secret, so either secret verifies it.
 * Throws WebhookVerificationError otherwise. `payload` is the raw body, exactly as received.
 */
export function verifyWebhook(
  secret: string,
  payload: string | Buffer,
  headers: Headers | Record<string, string>,
): unknown {
  const plain = headers instanceof Headers ? Object.fromEntries(headers.entries()) : headers;
  return new Webhook(secret).verify(payload, plain);
}
