import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { signWebhook, webhookHeaders, webhookKey } from './webhook-signature.js';

describe('webhook signature (Standard Webhooks)', () => {
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  const body = JSON.stringify({
    type: 'consent.withdrawn',
    contactId: '0b5c2c1e-2f7e-4a8c-9d0e-111111111111',
    purpose: 'newsletter',
    occurredAt: '2026-01-01T00:00:00.000Z',
  });

  it('should be verified by the standardwebhooks library', () => {
    const headers = webhookHeaders(secret, 'msg_1', body);
    expect(headers['content-type']).toBe('application/json');
    expect(headers['webhook-id']).toBe('msg_1');
    expect(headers['webhook-timestamp']).toMatch(/^\d{10}$/);
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
  });

  it('should match the library signature byte for byte', () => {
    const now = new Date('2026-03-01T12:00:00Z');
    expect(signWebhook(secret, 'msg_2', Math.floor(now.getTime() / 1000), body)).toBe(
      new Webhook(secret).sign('msg_2', now, body),
    );
  });

  it('should fail verification when the body or the secret differ', () => {
    const headers = webhookHeaders(secret, 'msg_3', body);
    expect(() => new Webhook(secret).verify(body.replace('newsletter', 'sales'), headers)).toThrow();
    expect(() => new Webhook(`whsec_${randomBytes(32).toString('base64')}`).verify(body, headers)).toThrow();
  });

  it('should use the decoded secret bytes as the HMAC key', () => {
    const raw = randomBytes(24);
    expect(webhookKey(`whsec_${raw.toString('base64')}`).equals(raw)).toBe(true);
  });
});
