import { Transform } from 'class-transformer';
import { ApiProperty } from '@nestjs/swagger';
import { IsUUID, isUUID } from 'class-validator';
import { fastValidation, hasOnlyKeys } from '../validation/validation.pipe.js';
import { lowerUuid } from '../validation/transforms.js';

export class UuidParam {
  // Explicit (not left to the Swagger CLI plugin, which jest does not run): OpenAPI must name `{id}` everywhere.
  @Transform(lowerUuid)
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all')
  id: string;
}

// `:id` alone, a UUID: the instance the full pipe builds (the hot GET /contacts/:id and every `/:id` route).
fastValidation(UuidParam, (v) => {
  if (!hasOnlyKeys(v, ['id']) || typeof v.id !== 'string' || !isUUID(v.id, 'all')) return undefined;
  const p = new UuidParam();
  p.id = lowerUuid({ value: v.id }) as string;
  return p;
});
