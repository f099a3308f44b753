import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsUUID } from 'class-validator';
import { UuidParam } from '../../common/http/uuid-param.dto.js';
import { lowerUuid } from '../../common/validation/transforms.js';

/** `/events/:id/attendees/:contactId`. */
export class AttendeeParam extends UuidParam {
  @Transform(lowerUuid)
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all')
  contactId: string;
}
