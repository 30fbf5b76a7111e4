import { randomUUID } from 'node:crypto';
import { GraphQLError, type GraphQLErrorOptions } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { DomainError, ERROR_CODES, type ErrorCode } from '../../errors.js';
import { databaseUnreachable } from '../../db/client.js';
import type { Logger } from '../../logger.js';

export interface CodedErrorOptions extends Pick<GraphQLErrorOptions, 'nodes' | 'path'> {
  /** The detail a client can branch on (`extensions.reason`). */
  reason?: string;
  /** More extensions for the client (limits, ids). */
  extensions?: Record<string, unknown>;
  /** The error this one replaces: its location, path, original error and extensions are kept. */
  from?: GraphQLError;
}

/**
 * The one builder of GraphQL errors with a stable `extensions.code` (error masking, the query
 * limits and the WebSocket transport all use it).
 */
export function codedError(code: ErrorCode, message: string, options: CodedErrorOptions = {}): GraphQLError {
  const { from, reason } = options;
  return new GraphQLError(message, {
    nodes: options.nodes ?? from?.nodes,
    source: from?.source,
    positions: from?.positions,
    path: options.path ?? from?.path,
    originalError: from?.originalError,
    // `code` first on the wire, and it wins over any code in the extensions it merges.
    extensions: Object.assign({ code }, from?.extensions, options.extensions, { code }, reason === undefined ? {} : { reason }),
  });
}

/** The error with `code` set, unless it already carries one. */
export const withDefaultCode = (error: GraphQLError, code: ErrorCode, reason?: string): GraphQLError =>
  error.extensions?.code ? error : codedError(code, error.message, { from: error, reason });

/** Parse and validation failures are the client's input: BAD_USER_INPUT, with the detail in `reason`. */
export function useStableErrorCodes(): Plugin {
  return {
    onParse: () => ({ result, replaceParseResult }) => {
      if (result instanceof GraphQLError) replaceParseResult(withDefaultCode(result, 'BAD_USER_INPUT', 'GRAPHQL_PARSE_FAILED'));
    },
    onValidate: () => ({ result, setResult }) => {
      if (result.length > 0) setResult(result.map((e) => withDefaultCode(e, 'BAD_USER_INPUT', 'GRAPHQL_VALIDATION_FAILED')));
    },
  };
}

/** What an UNAVAILABLE answer asks clients to wait before retrying. */
const RETRY_AFTER_SECONDS = 1;

/** Any other code is translated before it reaches a client. */
const STABLE_CODES = new Set<string>(ERROR_CODES);

/** Expected errors keep their message and code; anything else becomes INTERNAL with a logged id. */
export function maskError(error: unknown, logger: Logger): Error {
  const graphqlError = error instanceof GraphQLError ? error : null;
  const original = graphqlError?.originalError ?? error;
  const location = { nodes: graphqlError?.nodes, path: graphqlError?.path };
  if (original instanceof DomainError) {
    return codedError(original.code, original.message, { ...location, extensions: original.details });
  }
  if (original instanceof GraphQLError && original.extensions?.code) {
    const code = String(original.extensions.code);
    if (STABLE_CODES.has(code)) return original;
    // Yoga's own request errors (BAD_REQUEST, OPERATION_RESOLUTION_FAILURE, ...) are the client's input.
    if (!code.includes('INTERNAL')) {
      const { nodes, path, extensions } = original;
      return codedError('BAD_USER_INPUT', original.message, { nodes, path, extensions, reason: code });
    }
  }
  // An executor's own error while producing a field (graphql-jit keeps only the message of a
  // scalar that failed to serialise; a null for a non-null field) is the server's fault.
  const executorFault = graphqlError && !graphqlError.originalError && graphqlError.path;
  // graphql-js raises these itself, e.g. for a variable of the wrong type: the client's input.
  if (original instanceof GraphQLError && !executorFault) return withDefaultCode(graphqlError ?? original, 'BAD_USER_INPUT');
  if (databaseUnreachable(original)) {
    // 503 with Retry-After tells HTTP clients (ours included) to retry; Yoga keeps `http` off the wire.
    return codedError('UNAVAILABLE', 'The database is unavailable; retry shortly', {
      ...location,
      extensions: { retryAfterMs: RETRY_AFTER_SECONDS * 1000, http: { status: 503, headers: { 'Retry-After': String(RETRY_AFTER_SECONDS) } } },
    });
  }
  const errorId = randomUUID();
  logger.error({ err: original, errorId, path: graphqlError?.path }, 'unexpected error');
  return codedError('INTERNAL', `Unexpected error. Reference: ${errorId}`, { ...location, extensions: { errorId } });
}
