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

  /**
   * The key rows of many contacts in one statement, creating the missing ones from `fresh` (a new wrapped key per
   * contact, used only where none exists). A contact whose key a concurrent transaction is creating may be left
   * out (the statement's snapshot does not see that row): the caller reads it again with `find`.
   */
  async findOrCreateMany(
    m: EntityManager,
    contactIds: string[],
    fresh: Buffer[],
  ): Promise<{ contactId: string; wrappedKey: Buffer | null }[]> {
    const rows: { contact_id: string; wrapped_key: Buffer | null }[] = await m.query(
      `WITH ins AS (
         INSERT INTO contact_keys (contact_id, wrapped_key)
         SELECT v.contact_id, v.wrapped_key FROM unnest($1::uuid[], $2::bytea[]) AS v(contact_id, wrapped_key)
          WHERE NOT EXISTS (SELECT 1 FROM contact_keys k WHERE k.contact_id = v.contact_id)
         ON CONFLICT DO NOTHING RETURNING contact_id, wrapped_key)
       SELECT contact_id, wrapped_key FROM contact_keys WHERE contact_id = ANY($1::uuid[])
       UNION ALL SELECT contact_id, wrapped_key FROM ins`,
      [contactIds, fresh],
    );
    return rows.map((r) => ({ contactId: r.contact_id, wrappedKey: r.wrapped_key }));
  }

  /**
   * For a statement composed of several owners' parts (database/composed-write.ts): stores a new contact's key, one
   * row per row of `from` (none when the contact was not written). Placeholders typed uuid and bytea.
   */
  insertPart(contactId: string, wrappedKey: string, from: string): string {
    return `INSERT INTO contact_keys (contact_id, wrapped_key) SELECT ${contactId}, ${wrappedKey} FROM ${from}`;
  }

  /**
   * Stores the first keys of contacts the current transaction has just inserted, in one statement. None of them can
   * have a row yet: a conflict is an error, never a silently kept other key.
   */
  async insertNew(m: EntityManager, contactIds: string[], wrappedKeys: Buffer[]): Promise<void> {
    await m.query('INSERT INTO contact_keys (contact_id, wrapped_key) SELECT * FROM unnest($1::uuid[], $2::bytea[])', [
      contactIds,
      wrappedKeys,
    ]);
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
