import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { verifyWebhook, WebhookVerificationError } from '#client/index.js';

const newSecret = () => `whsec_${randomBytes(24).toString('base64')}`;
const event = JSON.stringify({ id: 'evt_1', type: 'budget.alert', data: { threshold: 90 } });

/** The three headers a Standard Webhooks sender puts on a delivery, signed with each secret. */
function delivery(secrets: string[], at = new Date(), id = 'msg_1') {
  const signatures = secrets.map((secret) => new Webhook(secret).sign(id, at, event));
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': signatures.join(' '),
  };
}

describe('client: verifyWebhook', () => {
  it('returns the event of a delivery signed with the secret', () => {
    const secret = newSecret();
    expect(verifyWebhook(secret, event, new Headers(delivery([secret])))).toEqual(JSON.parse(event));
  });

  it('accepts either secret during a rotation, when both signatures are sent', () => {
    const [old, fresh] = [newSecret(), newSecret()];
    const headers = delivery([old, fresh]);
    expect(verifyWebhook(old, event, headers)).toEqual(JSON.parse(event));
    expect(verifyWebhook(fresh, event, headers)).toEqual(JSON.parse(event));
  });

  it('refuses another secret, a changed body, a changed id and a stale timestamp', () => {
    const secret = newSecret();
    const headers = delivery([secret]);
    expect(() => verifyWebhook(newSecret(), event, headers)).toThrow(WebhookVerificationError);
    expect(() => verifyWebhook(secret, event.replace('90', '95'), headers)).toThrow(WebhookVerificationError);
    expect(() => verifyWebhook(secret, event, { ...headers, 'webhook-id': 'msg_2' })).toThrow(
      WebhookVerificationError,
    );
    const stale = delivery([secret], new Date(Date.now() - 60 * 60 * 1000));
    expect(() => verifyWebhook(secret, event, stale)).toThrow(WebhookVerificationError);
  });
});
