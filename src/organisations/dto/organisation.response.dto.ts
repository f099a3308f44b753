import { ApiProperty } from '@nestjs/swagger';
import {
  NETWORK_TYPES,
  ORGANISATION_KINDS,
  type NetworkType,
  type OrganisationKind,
} from '../organisation-kinds.js';

export class OrganisationResponseDto {
  id: string;
  name: string;
  @ApiProperty({ enum: ORGANISATION_KINDS })
  kind: OrganisationKind;
  website: string | null;
  emailDomains: string[];
  parentId: string | null;
  tags: string[];
  notes: string | null;
  ownerId: string | null;
  @ApiProperty({ enum: NETWORK_TYPES, nullable: true })
  networkType: NetworkType | null;
  networkGoals: string | null;
  networkRules: string | null;
  archivedAt: Date | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}
