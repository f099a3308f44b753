export const CONTACT_EVENT_TYPES = [
  'consent.withdrawn',
  'consent.expired',
  'contact.objected',
  'contact.rectified',
  'contact.erased',
] as const;
export type ContactEventType = (typeof CONTACT_EVENT_TYPES)[number];

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed', 'dead'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/**
 * The body a recipient receives, as exact JSON text (stored, so every retry sends the same bytes):
 * `{type, contactId, purpose?, fields?, occurredAt}`, never any personal data (`fields`: the names of the fields a
 * rectification changed, never their values).
 */
export function webhookBody(e: {
  type: ContactEventType;
  contactId: string;
  purpose?: string | null;
  fields?: readonly string[];
  occurredAt: Date;
}): string {
  return JSON.stringify({
    type: e.type,
    contactId: e.contactId,
    ...(e.purpose ? { purpose: e.purpose } : {}),
    ...(e.fields ? { fields: e.fields } : {}),
    occurredAt: e.occurredAt.toISOString(),
  });
}
