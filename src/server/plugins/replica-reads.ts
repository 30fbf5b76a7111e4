import { getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Database } from '../../db/client.js';

/**
 * Queries read from the read replicas (src/db/client.ts picks one, or the primary). Mutations and
 * subscriptions stay on the primary: writes and what a mutation returns must see the write, and
 * live feeds need the primary's snapshot. Comes after useCompiledExecution, whose executor it wraps.
 */
export function useReplicaReads(readFromReplicas: Database['readFromReplicas']): Plugin {
  return {
    onExecute({ args, executeFn, setExecuteFn }) {
      if (getOperationAST(args.document, args.operationName)?.operation !== 'query') return;
      setExecuteFn((executeArgs) => readFromReplicas(() => executeFn(executeArgs)));
    },
  };
}
