import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';

export class UuidParam {
  // Explicit (not left to the Swagger CLI plugin, which jest does not run): OpenAPI must name `{id}` everywhere.
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all')
  id: string;
}
