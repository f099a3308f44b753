import { KeyDateResponseDto } from './key-date.dto.js';
export class ContactEmailResponseDto {
  address: string;
  label: string | null;
}

export class ContactPhoneResponseDto {
  /** E.164. */
  number: string;
  label: string | null;
}

export class SocialProfilesResponseDto {
  /** LinkedIn profile URL. */
  linkedin: string | null;
  /** XING profile URL. */
  xing: string | null;
}

export class ContactResponseDto {
  id: string;
  givenName: string;
  familyName: string;
  emails: ContactEmailResponseDto[];
  phones: ContactPhoneResponseDto[];
  organisationId: string | null;
  jobTitle: string | null;
  tags: string[];
  ownerId: string | null;
  notes: string | null;
  preferredLanguage: string | null;
  socialProfiles: SocialProfilesResponseDto;
  /** Birthdays, anniversaries and other dates worth a greeting. */
  keyDates: KeyDateResponseDto[];
  version: number;
  createdAt: Date;
  updatedAt: Date;
  archivedAt: Date | null;
  /** Set once the contact was erased (GDPR Art. 17): the personal fields are then anonymised. */
  erasedAt: Date | null;
  /** Maintained by interactions. */
  lastInteractionAt: Date | null;
}

export class DuplicateCandidateDto {
  contact: ContactResponseDto;
  /** 0–1; 1 for the same e-mail address. */
  score: number;
  /** `same_email` or `similar_name_same_organisation`. */
  reason: string;
  reasons: string[];
}

export class ContactDuplicatesResponseDto {
  items: DuplicateCandidateDto[];
  nextCursor: string | null;
}

export class ContactBriefDto {
  id: string;
  givenName: string;
  familyName: string;
  organisationId: string | null;
}

export class DuplicatePairDto {
  contact: ContactBriefDto;
  duplicate: ContactBriefDto;
  score: number;
  reason: string;
}

export class DuplicatePairPageDto {
  items: DuplicatePairDto[];
  nextCursor: string | null;
}

export class ImportRejectionDto {
  /** 1-based number of the data row (header excluded) or of the card in the file. */
  row: number;
  reason: string;
}

export class ImportResultDto {
  /** Ids of contacts created. In a dry run: `null` for each contact that would be created. */
  created: (string | null)[];
  /** Ids of existing contacts (matched on e-mail) updated, or that would be. */
  updated: string[];
  rejected: ImportRejectionDto[];
  dryRun: boolean;
}
