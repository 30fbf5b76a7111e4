import { useGraphQlJit } from '@envelop/graphql-jit';
import { getOperationAST, getVariableValues } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { withDefaultCode } from './errors.js';

/**
 * Queries and mutations run through graphql-jit: each document is compiled once into plain
 * resolver calls, which removes most of graphql-js's per-field work on large pages.
 * Variables are first checked by graphql-js, the reference: graphql-jit's own coercion misses some
 * rules (it lets a @oneOf input with no field or two fields through), and an invalid variable must
 * get the same error whichever executor runs. Subscriptions keep the shared per-event execution
 * of useSharedSubscriptionResults.
 */
export function useCompiledExecution(): Plugin {
  const jit = useGraphQlJit();
  return {
    onExecute(payload) {
      const { args, setResultAndStopExecution } = payload;
      const definitions = getOperationAST(args.document, args.operationName)?.variableDefinitions ?? [];
      if (definitions.length > 0) {
        const { errors } = getVariableValues(args.schema, definitions, (args.variableValues ?? {}) as Record<string, unknown>);
        if (errors) return setResultAndStopExecution({ errors: errors.map((error) => withDefaultCode(error, 'BAD_USER_INPUT')) });
      }
      return jit.onExecute!(payload);
    },
  };
}
