import { createSourceEventStream, execute, type DocumentNode, type ExecutionArgs, type ExecutionResult, type GraphQLError } from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import type { Plugin } from 'graphql-yoga';

type Result = ExecutionResult | Promise<ExecutionResult>;

const documentIds = new WeakMap<DocumentNode, number>();
let nextDocumentId = 0;

/** Operations with the same document, variables and namespace scope get the same result for an event. */
function operationKey(args: ExecutionArgs): string {
  let id = documentIds.get(args.document);
  if (id === undefined) documentIds.set(args.document, (id = nextDocumentId++));
  const scope = (args.contextValue as { scope?: unknown } | undefined)?.scope ?? null;
  return `${id}|${args.operationName ?? ''}|${JSON.stringify(args.variableValues ?? {})}|${JSON.stringify(scope)}`;
}

const compiled = new WeakMap<DocumentNode, Map<string, CompiledQuery | null>>();

/** The operation's selection compiled by graphql-jit (null where jit cannot compile it). */
function compiledSelection(args: ExecutionArgs): CompiledQuery | null {
  let byOperation = compiled.get(args.document);
  if (!byOperation) compiled.set(args.document, (byOperation = new Map()));
  const name = args.operationName ?? '';
  let query = byOperation.get(name);
  if (query === undefined) {
    const result = compileQuery(args.schema, args.document, args.operationName ?? undefined);
    byOperation.set(name, (query = isCompiledQuery(result) ? result : null));
  }
  return query;
}

const isPromiseLike = <R>(value: R | PromiseLike<R>): value is PromiseLike<R> =>
  typeof (value as { then?: unknown } | null)?.then === 'function';

/** `source` mapped by `map`; an error it throws is passed through `mapError`. */
function mapStream<T, R>(
  source: AsyncIterator<T>,
  map: (value: T) => R | Promise<R>,
  mapError: (error: unknown) => unknown,
): AsyncIterableIterator<R> {
  const rethrow = (error: unknown): never => {
    throw mapError(error);
  };
  const iterator: AsyncIterableIterator<R> = {
    // Without async/await: a result shared with other subscribers is usually ready; no extra tick.
    next() {
      return source.next().then((step): IteratorResult<R> | Promise<IteratorResult<R>> => {
        if (step.done) return { done: true, value: undefined };
        const value = map(step.value);
        return isPromiseLike(value) ? Promise.resolve(value).then((ready) => ({ done: false, value: ready })) : { done: false, value };
      }, rethrow);
    },
    async return() {
      await source.return?.();
      return { done: true, value: undefined };
    },
    async throw(error) {
      await source.return?.();
      throw error;
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}

const sharedStreams = new WeakMap<object, AsyncIterableIterator<ExecutionResult>>();

/**
 * The shared stream of the subscription whose context is `context`, errors already masked. Envelop
 * wraps each subscriber's stream in two more iterators (per-result error masking, then thrown-error
 * masking), two promise chains per subscriber and event; the WebSocket transport reads this one
 * instead, which masks each shared result once. (SSE still goes through Yoga and envelop.)
 */
export const sharedStreamOf = (context: unknown) => (typeof context === 'object' && context ? sharedStreams.get(context) : undefined);

/**
 * Live feeds hand the same event object to every subscriber that may see it. Executing the
 * selection once per (event, operation) instead of once per subscriber makes fan-out cost close to
 * the cost of sending. Results of the events feed depend only on the event, the document, the
 * variables and the namespace scope, which together form the key. The selection runs compiled by
 * graphql-jit; its variables were already checked by graphql-js when the stream was created.
 * `maskError` is the server's error masking, applied to each shared result once; `extensionsOf`
 * gives a result the extensions its event implies (an event's cursor, say).
 */
export function useSharedSubscriptionResults(
  maskError: (error: unknown) => Error,
  extensionsOf: (payload: unknown) => Record<string, unknown> | null = () => null,
): Plugin {
  const results = new WeakMap<object, Map<string, Result>>();
  const masked = (result: ExecutionResult): ExecutionResult =>
    result.errors ? { ...result, errors: result.errors.map((error) => maskError(error) as GraphQLError) } : result;
  const withExtensions = (result: ExecutionResult, payload: unknown): ExecutionResult => {
    const extensions = extensionsOf(payload);
    return extensions ? { ...result, extensions: { ...result.extensions, ...extensions } } : result;
  };
  const sharedSubscribe = async (args: ExecutionArgs) => {
    const stream = await createSourceEventStream(args);
    if (!(Symbol.asyncIterator in stream)) return stream;
    const key = operationKey(args);
    const selection = compiledSelection(args);
    const run = (payload: unknown): Result => {
      const result = selection ? (selection.query(payload, args.contextValue, args.variableValues) as Result) : execute({ ...args, rootValue: payload });
      const finish = (ready: ExecutionResult) => withExtensions(masked(ready), payload);
      return isPromiseLike(result) ? Promise.resolve(result).then(finish) : finish(result);
    };
    const shared = mapStream(
      stream[Symbol.asyncIterator](),
      (payload: unknown) => {
        if (typeof payload !== 'object' || payload === null) return run(payload);
        let byOperation = results.get(payload);
        if (!byOperation) results.set(payload, (byOperation = new Map()));
        let result = byOperation.get(key);
        if (!result) byOperation.set(key, (result = run(payload)));
        return result;
      },
      maskError,
    );
    if (typeof args.contextValue === 'object' && args.contextValue) sharedStreams.set(args.contextValue, shared);
    return shared;
  };
  return {
    onSubscribe: ({ setSubscribeFn }) => setSubscribeFn(sharedSubscribe as never),
  };
}
