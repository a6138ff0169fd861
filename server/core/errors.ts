/**
 * Typed errors thrown by services; server/http/error-handler.ts maps them to
 * HTTP answers in one place. `code` is also the i18next key under "errors.".
 */
export class AppError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    readonly params: Record<string, string | number> = {},
    message?: string,
  ) {
    super(message ?? code);
  }
}

export class NotFoundError extends AppError {
  constructor(code = "NOT_FOUND") {
    super(404, code);
  }
}

export class UnauthorizedError extends AppError {
  constructor(code = "UNAUTHORIZED") {
    super(401, code);
  }
}

export class ForbiddenError extends AppError {
  constructor(code = "FORBIDDEN", params: Record<string, string | number> = {}) {
    super(403, code, params);
  }
}

export class ConflictError extends AppError {
  constructor(code: string, params: Record<string, string | number> = {}) {
    super(409, code, params);
  }
}

/** Input that passed the schema but breaks a rule only the service can check. */
export class InvalidInputError extends AppError {
  constructor(
    code: string,
    readonly field?: string,
    params: Record<string, string | number> = {},
  ) {
    super(400, code, params);
  }
}

export class TooManyRequestsError extends AppError {
  constructor(code = "RATE_LIMITED", params: Record<string, string | number> = {}) {
    super(429, code, params);
  }
}
