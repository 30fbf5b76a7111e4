import { useGraphQlJit } from '@envelop/graphql-jit';
import type { Plugin } from 'graphql-yoga';

/**
 * Queries and mutations run through graphql-jit: each document is compiled once into plain
 * resolver calls, which removes most of graphql-js's per-field work on large pages.
 * Subscriptions keep the shared per-event execution of useSharedSubscriptionResults.
 */
export function useCompiledExecution(): Plugin {
  const { onExecute } = useGraphQlJit();
  return { onExecute };
}
