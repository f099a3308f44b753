import { webhookBody } from './webhook-event.js';

describe('webhookBody', () => {
  const contactId = '0b5c2c1e-2f7e-4a8c-9d0e-111111111111';
  const occurredAt = new Date('2026-11-22T23:15:00Z');

  it('should hold exactly type, contactId, purpose and occurredAt, in that order', () => {
    expect(webhookBody({ type: 'consent.withdrawn', contactId, purpose: 'newsletter', occurredAt })).toBe(
      `{"type":"consent.withdrawn","contactId":"${contactId}","purpose":"newsletter","occurredAt":"2026-11-22T23:15:00.000Z"}`,
    );
  });

  it('should leave purpose out when there is none', () => {
    expect(JSON.parse(webhookBody({ type: 'contact.erased', contactId, purpose: null, occurredAt }))).toEqual({
      type: 'contact.erased',
      contactId,
      occurredAt: '2026-11-22T23:15:00.000Z',
    });
  });
});
