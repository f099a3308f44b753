import { IsUUID } from 'class-validator';

export class UuidParam {
  @IsUUID('all')
  id: string;
}
