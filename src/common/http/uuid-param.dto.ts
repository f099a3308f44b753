import { Transform } from 'class-transformer';
import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';
import { lowerUuid } from '../validation/transforms.js';

export class UuidParam {
  // Explicit (not left to the Swagger CLI plugin, which jest does not run): OpenAPI must name `{id}` everywhere.
  @Transform(lowerUuid)
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all')
  id: string;
}
