import { Injectable, Module } from '@nestjs/common';
import { DiscoveryModule, DiscoveryService } from '@nestjs/core';
import type { EntityManager } from 'typeorm';

/** Rows of a contact's export, by section (GDPR Art. 15/20); a holder fills the sections its tables feed. */
export interface ContactExportPart {
  profile?: Record<string, unknown>;
  affiliations?: Record<string, unknown>[];
  interactions?: Record<string, unknown>[];
  followUps?: Record<string, unknown>[];
  consents?: Record<string, unknown>[];
  objections?: Record<string, unknown>[];
  /** Recorded legal bases of the person (contract, legal obligation, …) per purpose, ended ones included. */
  bases?: Record<string, unknown>[];
  disclosures?: Record<string, unknown>[];
  /** Every other record about the contact, by table name. */
  other?: Record<string, Record<string, unknown>[]>;
}

/** What a merge did to one column that pointed at the duplicate (key `table.column` in the merge's audit event). */
export type MovedRows = Record<string, { moved: number; dropped: number }>;

/** A table (and its column naming the contact) whose rows are personal data of a contact. */
export interface HeldColumn {
  table: string;
  column: string;
}

/**
 * A feature that stores personal data of contacts (issue 10). Each owner of such a table implements this for its
 * own tables, with SQL only on those tables, and marks the provider `@HoldsPersonalData()`: export, erasure and
 * merge iterate over every registered holder instead of knowing the tables. A table with a `contact_id` column (or a
 * foreign key to contacts) that no holder lists fails the personal-data e2e test.
 *
 * All three run inside the caller's transaction (`m`), with the contact rows already locked by the caller.
 */
export interface PersonalDataHolder {
  /** The tables and columns this holder answers for. */
  readonly holds: readonly HeldColumn[];
  /**
   * Erasure runs holders in ascending order (ties: by class name). The contact row itself is anonymised first
   * (order 0); the data key is destroyed last.
   */
  readonly erasureOrder: number;
  /** What the holder's tables keep about the contact, for its export. */
  exportFor(m: EntityManager, contactId: string): Promise<ContactExportPart>;
  /**
   * Art. 17: removes or anonymises what the holder keeps about the contact. Records kept as proof (consents,
   * disclosures, notices) are pseudonymised, never deleted.
   */
  eraseFor(m: EntityManager, contactId: string): Promise<void>;
  /**
   * Merge: rows about the duplicate now belong to the survivor; what would duplicate a row the survivor already has
   * is dropped. Returns counts per `table.column`.
   */
  moveTo(m: EntityManager, survivorId: string, duplicateId: string): Promise<MovedRows>;
}

/** Marks a provider as a PersonalDataHolder; PersonalDataHolders finds it wherever its module is. */
export const HoldsPersonalData = DiscoveryService.createDecorator<void>();

/** Every registered holder, in erasure order. */
@Injectable()
export class PersonalDataHolders {
  private cached?: PersonalDataHolder[];

  constructor(private readonly discovery: DiscoveryService) {}

  all(): readonly PersonalDataHolder[] {
    this.cached ??= this.discovery
      .getProviders({ metadataKey: HoldsPersonalData.KEY })
      .map((w) => w.instance as PersonalDataHolder)
      .filter((h) => h !== undefined && h !== null)
      .sort((a, b) => a.erasureOrder - b.erasureOrder || a.constructor.name.localeCompare(b.constructor.name));
    return this.cached;
  }

  /** Every `table.column` some holder answers for. */
  heldColumns(): HeldColumn[] {
    return this.all().flatMap((h) => h.holds);
  }
}

/** Import where export, erasure or merge need the holders (compliance, contacts). */
@Module({ imports: [DiscoveryModule], providers: [PersonalDataHolders], exports: [PersonalDataHolders] })
export class PersonalDataModule {}
