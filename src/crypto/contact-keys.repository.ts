import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

/** contact_keys: each contact's data key, wrapped by the master key; NULL once destroyed (crypto-shredding). */
@Injectable()
export class ContactKeysRepository {
  /** The row of the contact's key: absent (no key yet), or its wrapped key (null when destroyed). */
  async find(m: EntityManager, contactId: string): Promise<{ wrappedKey: Buffer | null } | undefined> {
    const rows: { wrapped_key: Buffer | null }[] = await m.query('SELECT wrapped_key FROM contact_keys WHERE contact_id = $1', [contactId]);
    return rows[0] ? { wrappedKey: rows[0].wrapped_key } : undefined;
  }

  /** Stores a new key unless one exists already (a concurrent transaction may have created it). */
  async insertIfAbsent(m: EntityManager, contactId: string, wrappedKey: Buffer): Promise<void> {
    await m.query('INSERT INTO contact_keys (contact_id, wrapped_key) VALUES ($1, $2) ON CONFLICT DO NOTHING', [contactId, wrappedKey]);
  }

  /** Destroys the key for good (and marks a contact that never had one, so none is created later). */
  async destroy(m: EntityManager, contactId: string): Promise<void> {
    await m.query(
      `INSERT INTO contact_keys (contact_id, wrapped_key, destroyed_at) VALUES ($1, NULL, now())
       ON CONFLICT (contact_id) DO UPDATE SET wrapped_key = NULL, destroyed_at = COALESCE(contact_keys.destroyed_at, now())`,
      [contactId],
    );
  }
}
