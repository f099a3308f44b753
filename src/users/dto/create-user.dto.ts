import { Transform } from 'class-transformer';
import { IsEmail, IsIn, IsNotEmpty, IsString, MaxLength } from 'class-validator';

export class CreateUserDto {
  /** Display name of the staff member. */
  @IsString() @IsNotEmpty() @MaxLength(200)
  name: string;

  @Transform(({ value }) => (typeof value === 'string' ? value.trim().toLowerCase() : value))
  @IsEmail() @MaxLength(320)
  email: string;

  /** `admin`, `staff` or `compliance` (integrations are API keys bound to a recipient, not users). */
  @IsIn(['admin', 'staff', 'compliance'])
  role: 'admin' | 'staff' | 'compliance';
}
