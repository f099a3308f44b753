import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LRUCache } from 'lru-cache';
import { EntityManager } from 'typeorm';
import { appConfig, cryptoConfig } from '../config/app.config.js';
import { TransactionService } from '../database/transaction.service.js';
import { ContactKeysRepository } from './contact-keys.repository.js';

const SEALED_PREFIX = 'v1.';
/** How long an unwrapped data key is kept in memory: bounds how long another instance can open erased data. */
const KEY_CACHE_MS = 30_000;

/**
 * Envelope encryption with AES-256-GCM (node:crypto).
 * - The master key (MASTER_KEY, or a key generated once into DATA_DIR) wraps everything else.
 * - Each contact has its own data key, wrapped by the master key, in `contact_keys`. Personal values
 *   kept where nothing may be deleted (the audit trail) are sealed under it; erasure destroys the key
 *   (crypto-shredding), so those values are unreadable for good while the rows stay intact.
 */
@Injectable()
export class CryptoService implements OnModuleInit {
  private readonly logger = new Logger(CryptoService.name);
  private masterKey!: Buffer;
  /** Unwrapped data keys (a null key: destroyed), each kept KEY_CACHE_MS; at most 10,000. */
  private readonly keyCache = new LRUCache<string, { key: Buffer | null }>({ max: 10_000, ttl: KEY_CACHE_MS });

  constructor(
    @Inject(cryptoConfig.KEY) private readonly config: ConfigType<typeof cryptoConfig>,
    @Inject(appConfig.KEY) private readonly app: ConfigType<typeof appConfig>,
    private readonly tx: TransactionService,
    private readonly keys: ContactKeysRepository,
  ) {}

  onModuleInit(): void {
    this.masterKey = this.loadMasterKey();
  }

  private loadMasterKey(): Buffer {
    if (this.config.masterKey) {
      const key = Buffer.from(this.config.masterKey, 'base64');
      if (key.length !== 32) throw new Error('MASTER_KEY must decode to exactly 32 bytes');
      return key;
    }
    const file = path.join(this.app.dataDir, 'master.key');
    if (!fs.existsSync(file)) {
      fs.mkdirSync(this.app.dataDir, { recursive: true, mode: 0o711 });
      fs.writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
      this.logger.warn(`No MASTER_KEY set: generated one in ${file}. Back it up; without it sealed data cannot be read.`);
    }
    const key = Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64');
    if (key.length !== 32) throw new Error(`${file} does not hold a 32-byte base64 key`);
    return key;
  }

  encrypt(plain: Buffer, key: Buffer): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    const ct = Buffer.concat([cipher.update(plain), cipher.final()]);
    return `${SEALED_PREFIX}${iv.toString('base64url')}.${cipher.getAuthTag().toString('base64url')}.${ct.toString('base64url')}`;
  }

  decrypt(sealed: string, key: Buffer): Buffer {
    if (!sealed.startsWith(SEALED_PREFIX)) throw new Error('not a sealed value');
    const [iv, tag, ct] = sealed.slice(SEALED_PREFIX.length).split('.');
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]);
  }

  /** Seals a secret under the master key (webhook secrets, signing keys). */
  seal(plain: string): string {
    return this.encrypt(Buffer.from(plain, 'utf8'), this.masterKey);
  }

  unseal(sealed: string): string {
    return this.decrypt(sealed, this.masterKey).toString('utf8');
  }

  /**
   * The key of the suppression list's HMACs (issue 12), derived from the master key with HKDF-SHA256 (no new secret):
   * without the master key, the hashes of erased persons' addresses cannot be checked against a dictionary.
   */
  suppressionKey(): Buffer {
    return Buffer.from(hkdfSync('sha256', this.masterKey, Buffer.alloc(0), 'rapport/suppression-list/v1', 32));
  }

  /** The contact's data key, created on first use inside the current transaction. */
  private async dataKey(manager: EntityManager, contactId: string, create: boolean): Promise<Buffer | null> {
    const cached = this.keyCache.get(contactId);
    if (cached) return cached.key;
    let row = await this.keys.find(manager, contactId);
    if (!row) {
      if (!create) return null;
      await this.keys.insertIfAbsent(manager, contactId, Buffer.from(this.encrypt(randomBytes(32), this.masterKey), 'utf8'));
      row = await this.keys.find(manager, contactId);
    }
    const wrapped = row?.wrappedKey;
    const key = wrapped ? this.decrypt(wrapped.toString('utf8'), this.masterKey) : null;
    // Only what was read outside a transaction is certainly committed (a key created, or destroyed, by a
    // transaction that then rolls back must not be remembered).
    if (!manager.queryRunner?.isTransactionActive) this.keyCache.set(contactId, { key });
    return key;
  }

  /**
   * Seals values for many contacts (an audited write): the data keys not cached are read, and the missing ones
   * created, in one statement inside the current transaction. The function answers null for an erased contact.
   */
  async sealerFor(contactIds: string[], manager = this.tx.manager): Promise<(contactId: string, value: unknown) => string | null> {
    const keys = new Map<string, Buffer | null>();
    const wanted: string[] = [];
    for (const id of new Set(contactIds)) {
      const cached = this.keyCache.get(id);
      if (cached) keys.set(id, cached.key);
      else wanted.push(id);
    }
    if (wanted.length) {
      const fresh = wanted.map(() => Buffer.from(this.encrypt(randomBytes(32), this.masterKey), 'utf8'));
      const cache = !manager.queryRunner?.isTransactionActive;
      for (const r of await this.keys.findOrCreateMany(manager, wanted, fresh)) {
        const key = r.wrappedKey ? this.decrypt(r.wrappedKey.toString('utf8'), this.masterKey) : null;
        keys.set(r.contactId, key);
        if (cache) this.keyCache.set(r.contactId, { key });
      }
      // Left out only when a concurrent transaction was creating the key: read it now, one by one.
      for (const id of wanted) if (!keys.has(id)) keys.set(id, await this.dataKey(manager, id, true));
    }
    return (contactId, value) => {
      const key = keys.get(contactId);
      if (key === undefined) throw new Error('sealerFor: contact not announced');
      return key === null ? null : this.encrypt(Buffer.from(JSON.stringify(value), 'utf8'), key);
    };
  }

  /**
   * The data key of a contact created by this request (a new contact cannot have one yet): made here, in memory, and
   * written by the caller's composed statement with the part answered (`from`: the part that inserts the contact, so
   * the key is stored exactly when the contact is). `seal` seals values under it, as `sealerFor` does. Not cached:
   * the statement may still fail or roll back.
   */
  newContactKeyPart(
    contactId: string,
    bind: (value: unknown, cast?: string) => string,
    from: string,
  ): { sql: string; seal: (value: unknown) => string } {
    const key = randomBytes(32);
    const wrapped = Buffer.from(this.encrypt(key, this.masterKey), 'utf8');
    return {
      sql: this.keys.insertPart(bind(contactId, 'uuid'), bind(wrapped, 'bytea'), from),
      seal: (value) => this.encrypt(Buffer.from(JSON.stringify(value), 'utf8'), key),
    };
  }

  /**
   * `sealerFor` for a bulk write (the contact import), sealing JSON text as it will be stored: the data keys of
   * `created` (contacts the current transaction has just inserted, so none has a key yet) are made here and stored in
   * one INSERT, with no look-up and nothing to unwrap; the other contacts' keys are read (or created) as `sealerFor`
   * does. The function answers null for an erased contact.
   */
  async textSealerFor(
    contactIds: string[],
    created: ReadonlySet<string>,
    manager = this.tx.manager,
  ): Promise<(contactId: string, json: string) => string | null> {
    const fresh = new Map<string, Buffer>();
    const others: string[] = [];
    for (const id of new Set(contactIds)) {
      if (created.has(id)) fresh.set(id, randomBytes(32));
      else others.push(id);
    }
    if (fresh.size) {
      const wrapped = [...fresh.values()].map((key) => Buffer.from(this.encrypt(key, this.masterKey), 'utf8'));
      await this.keys.insertNew(manager, [...fresh.keys()], wrapped);
    }
    const sealOther = others.length ? await this.sealerFor(others, manager) : undefined;
    return (contactId, json) => {
      const key = fresh.get(contactId);
      if (key) return this.encrypt(Buffer.from(json, 'utf8'), key);
      if (!sealOther) throw new Error('textSealerFor: contact not announced');
      // JSON text parsed and written again is the same text: sealed exactly as sealerFor seals the value.
      return sealOther(contactId, JSON.parse(json));
    };
  }

  /** Opens a value sealed for a contact; `undefined` once the contact was erased (key destroyed). */
  async openForContact(contactId: string, sealed: string, manager = this.tx.manager): Promise<unknown> {
    const key = await this.dataKey(manager, contactId, false);
    if (!key) return undefined;
    return JSON.parse(this.decrypt(sealed, key).toString('utf8'));
  }

  /** Crypto-shredding: the contact's sealed values become unreadable for good. */
  async destroyContactKey(contactId: string, manager = this.tx.manager): Promise<void> {
    await this.keys.destroy(manager, contactId);
    // Evicted, not marked destroyed: the erasure may still roll back. Other instances drop their copy within KEY_CACHE_MS.
    this.keyCache.delete(contactId);
  }
}
