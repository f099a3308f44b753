import { applyDecorators } from '@nestjs/common';
import { ApiConflictResponse, ApiNotFoundResponse, ApiPreconditionFailedResponse } from '@nestjs/swagger';
import { ProblemDto } from '../errors/problem.js';

/** OpenAPI: the problem answers of this feature's endpoints beyond the 400/401/403/429 of `@Access`. */
export const ApiMissing = (what = 'A resource in the path or body does not exist') => ApiNotFoundResponse({ description: what, type: ProblemDto });
export const ApiStale = () => ApiPreconditionFailedResponse({ description: 'If-Match names a stale version', type: ProblemDto });
export const ApiConflicting = (what: string) => ApiConflictResponse({ description: what, type: ProblemDto });
export const ApiMissingOrStale = () => applyDecorators(ApiMissing(), ApiStale());
