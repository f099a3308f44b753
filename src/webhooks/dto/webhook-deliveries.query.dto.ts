import { Transform } from 'class-transformer';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { PageQueryDto } from '../../common/http/pagination.js';
import {
  CONTACT_EVENT_TYPES,
  type ContactEventType,
  DELIVERY_STATUSES,
  type DeliveryStatus,
} from '../webhook-event.js';
import { lowerUuid } from '../../common/validation/transforms.js';

export class WebhookDeliveriesQueryDto extends PageQueryDto {
  @Transform(lowerUuid)
  @IsOptional()
  @IsUUID('all')
  recipientId?: string;

  @ApiPropertyOptional({ enum: DELIVERY_STATUSES })
  @IsOptional()
  @IsIn(DELIVERY_STATUSES)
  status?: DeliveryStatus;

  @Transform(lowerUuid)
  @IsOptional()
  @IsUUID('all')
  contactId?: string;

  @ApiPropertyOptional({ enum: CONTACT_EVENT_TYPES })
  @IsOptional()
  @IsIn(CONTACT_EVENT_TYPES)
  type?: ContactEventType;
}
