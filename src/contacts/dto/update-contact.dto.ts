import { PartialType } from '@nestjs/swagger';
import { CreateContactDto } from './create-contact.dto.js';

/** Fields present are replaced (lists as a whole); `null` clears an optional field. Honours `If-Match`. */
export class UpdateContactDto extends PartialType(CreateContactDto) {}
