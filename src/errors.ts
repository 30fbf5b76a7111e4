/** Stable error codes every client can rely on (`extensions.code`), as API.md lists them. */
export const ERROR_CODES = [
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'INVALID_TRANSITION',
  'CONFLICT',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'RATE_LIMITED',
  'QUERY_TOO_COMPLEX',
  'UNAVAILABLE',
  'CURSOR_EXPIRED',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** An expected failure: its message is safe to show and its code is stable. */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const badInput = (message: string, details?: Record<string, unknown>) =>
  new DomainError('BAD_USER_INPUT', message, details);

export const notFound = (what: string, id: string) =>
  new DomainError('NOT_FOUND', `${what} ${id} was not found`, { id });

export const conflict = (message: string, details?: Record<string, unknown>) => new DomainError('CONFLICT', message, details);

export const invalidTransition = (message: string, details?: Record<string, unknown>) =>
  new DomainError('INVALID_TRANSITION', message, details);
