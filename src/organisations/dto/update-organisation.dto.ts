import { PartialType } from '@nestjs/swagger';
import { CreateOrganisationDto } from './create-organisation.dto.js';

/** Fields present are replaced; `null` clears an optional field. `If-Match` is honoured (412 on a stale version). */
export class UpdateOrganisationDto extends PartialType(CreateOrganisationDto) {}
