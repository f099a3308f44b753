import { ApiProperty } from '@nestjs/swagger';
import { ROLES, type Role } from '../../auth/role.js';

export class ApiKeyResponseDto {
  id: string;
  name: string;
  @ApiProperty({ enum: ROLES })
  role: Role;
  userId: string | null;
  recipientId: string | null;
  oauthClientId: string | null;
  /** The key's first characters, to recognise it in logs and secret scanners. */
  prefix: string;
  expiresAt: Date | null;
  revokedAt: Date | null;
  /** Bumped on every change; sent as the ETag, and `DELETE` honours `If-Match` with it. */
  version: number;
  createdAt: Date;
}

export class CreatedApiKeyResponseDto extends ApiKeyResponseDto {
  /** The secret. Shown only in this answer; store it now. */
  key: string;
}
