import { randomUUID } from 'node:crypto';
import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { DomainError, ERROR_CODES, type ErrorCode } from '../../errors.js';
import type { Logger } from '../../logger.js';

/** The error with `code` set, unless it already carries one. */
export function withCode(error: GraphQLError, code: ErrorCode, reason?: string): GraphQLError {
  if (error.extensions?.code) return error;
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: error.originalError,
    extensions: { ...error.extensions, code, ...(reason ? { reason } : {}) },
  });
}

/** Parse and validation failures are the client's input: BAD_USER_INPUT, with the detail in `reason`. */
export function useStableErrorCodes(): Plugin {
  return {
    onParse: () => ({ result, replaceParseResult }) => {
      if (result instanceof GraphQLError) replaceParseResult(withCode(result, 'BAD_USER_INPUT', 'GRAPHQL_PARSE_FAILED'));
    },
    onValidate: () => ({ result, setResult }) => {
      if (result.length > 0) setResult(result.map((e) => withCode(e, 'BAD_USER_INPUT', 'GRAPHQL_VALIDATION_FAILED')));
    },
  };
}

/** Any other code is translated before it reaches a client. */
const STABLE_CODES = new Set<string>(ERROR_CODES);

/** Expected errors keep their message and code; anything else becomes INTERNAL with a logged id. */
export function maskError(error: unknown, logger: Logger): Error {
  const graphqlError = error instanceof GraphQLError ? error : null;
  const original = graphqlError?.originalError ?? error;
  const location = { nodes: graphqlError?.nodes, path: graphqlError?.path };
  if (original instanceof DomainError) {
    return new GraphQLError(original.message, { ...location, extensions: { code: original.code, ...original.details } });
  }
  if (original instanceof GraphQLError && original.extensions?.code) {
    const code = String(original.extensions.code);
    if (STABLE_CODES.has(code)) return original;
    // Yoga's own request errors (BAD_REQUEST, OPERATION_RESOLUTION_FAILURE, ...) are the client's input.
    if (!code.includes('INTERNAL')) {
      return new GraphQLError(original.message, {
        nodes: original.nodes,
        path: original.path,
        extensions: { ...original.extensions, code: 'BAD_USER_INPUT', reason: code },
      });
    }
  }
  // An executor's own error while producing a field (graphql-jit keeps only the message of a
  // scalar that failed to serialise; a null for a non-null field) is the server's fault.
  const executorFault = graphqlError && !graphqlError.originalError && graphqlError.path;
  // graphql-js raises these itself, e.g. for a variable of the wrong type: the client's input.
  if (original instanceof GraphQLError && !executorFault) return withCode(graphqlError ?? original, 'BAD_USER_INPUT');
  const errorId = randomUUID();
  logger.error({ err: original, errorId, path: graphqlError?.path }, 'unexpected error');
  return new GraphQLError(`Unexpected error. Reference: ${errorId}`, {
    ...location,
    extensions: { code: 'INTERNAL', errorId },
  });
}

/** Yoga's own logger: errors are already logged (with their id) by `maskError`, so keep these quiet. */
export function yogaLogger(logger: Logger) {
  const log = logger.child({ component: 'yoga' });
  return {
    debug: (...args: unknown[]) => log.debug({ args }, 'yoga'),
    info: (...args: unknown[]) => log.info({ args }, 'yoga'),
    warn: (...args: unknown[]) => log.warn({ args }, 'yoga'),
    error: (...args: unknown[]) => log.debug({ args }, 'yoga error'),
  };
}
