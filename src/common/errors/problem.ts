import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class ProblemFieldErrorDto {
  /** The field, as a dotted path into the request (e.g. `emails.0.address`). */
  field: string;
  message: string;
}

/** RFC 9457 problem details, the body of every error answer (`application/problem+json`). */
export class ProblemDto {
  @ApiProperty({ example: 'https://rapport.dev/problems/validation-failed' })
  type: string;
  @ApiProperty({ example: 'Bad Request' })
  title: string;
  @ApiProperty({ example: 400 })
  status: number;
  @ApiProperty({ example: 'address must be an e-mail address' })
  detail: string;
  /** Machine-readable error code, SCREAMING_SNAKE. */
  @ApiProperty({ example: 'VALIDATION_FAILED' })
  code: string;
  @ApiPropertyOptional()
  instance?: string;
  @ApiPropertyOptional({ type: [ProblemFieldErrorDto] })
  errors?: ProblemFieldErrorDto[];
  @ApiPropertyOptional()
  requestId?: string;
}

export const PROBLEM_TYPE_BASE = 'https://rapport.dev/problems/';
export const problemType = (code: string) => PROBLEM_TYPE_BASE + code.toLowerCase().replace(/_/g, '-');
