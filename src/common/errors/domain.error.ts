export interface FieldError {
  field: string;
  message: string;
}

/**
 * A failure the client can act on. Services throw these; only the problem-details filter speaks HTTP.
 * `status` is the HTTP status the code maps to; `extra` is merged into the problem body.
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly errors?: FieldError[],
    readonly extra?: Record<string, unknown>,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class NotFoundError extends DomainError {
  constructor(entity: string, id?: string) {
    super(`${entity.toUpperCase().replace(/[^A-Z]+/g, '_')}_NOT_FOUND`, id ? `${entity} ${id} was not found` : `${entity} was not found`, 404);
  }
}

export class ValidationFailedError extends DomainError {
  constructor(message: string, errors?: FieldError[]) {
    super('VALIDATION_FAILED', message, 400, errors);
  }
}

export class ConflictError extends DomainError {
  constructor(code: string, message: string) {
    super(code, message, 409);
  }
}

export class PreconditionFailedError extends DomainError {
  constructor(current: number) {
    super('VERSION_MISMATCH', `The resource has changed (current version ${current}); fetch it again`, 412, undefined, {
      currentVersion: current,
    });
  }
}

export class ForbiddenError extends DomainError {
  constructor(message = 'This credential may not perform this action') {
    super('FORBIDDEN', message, 403);
  }
}

export class GoneError extends DomainError {
  constructor(code: string, message: string, extra?: Record<string, unknown>) {
    super(code, message, 410, undefined, extra);
  }
}
