import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { webhookHeaders } from './webhook-signature.js';

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
    expect(Object.keys(headers).sort()).toEqual(['content-type', 'webhook-id', 'webhook-signature', 'webhook-timestamp']);
    expect(headers['content-type']).toBe('application/json');
    expect(headers['webhook-id']).toBe('msg_1');
    expect(headers['webhook-timestamp']).toMatch(/^\d{10}$/);
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
  });

  it('should send the same bytes as the earlier hand-written HMAC (fixed secret, id, time, body)', () => {
    // Computed by the node:crypto implementation this replaced; the timestamp is floored to seconds.
    const fixedSecret = 'whsec_MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=';
    const fixedBody = JSON.stringify({
      type: 'consent.withdrawn',
      contactId: '0b5c2c1e-2f7e-4a8c-9d0e-111111111111',
      purpose: 'nyhetsbrev – ø',
      occurredAt: '2026-01-01T00:00:00.000Z',
    });
    expect(webhookHeaders(fixedSecret, 'msg_golden', fixedBody, new Date('2026-03-01T12:00:00.999Z'))).toEqual({
      'content-type': 'application/json',
      'webhook-id': 'msg_golden',
      'webhook-timestamp': '1772366400',
      'webhook-signature': 'v1,q4BMCf18wGybF6xMO2Kzla1gXm59W2yeVVTDEogHLzA=',
    });
  });

  it('should fail verification when the body or the secret differ', () => {
    const headers = webhookHeaders(secret, 'msg_3', body);
    expect(() => new Webhook(secret).verify(body.replace('newsletter', 'sales'), headers)).toThrow();
    expect(() => new Webhook(`whsec_${randomBytes(32).toString('base64')}`).verify(body, headers)).toThrow();
  });

  it('should refuse an empty secret', () => {
    expect(() => webhookHeaders('whsec_', 'msg_4', body)).toThrow();
  });
});
