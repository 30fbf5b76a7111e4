/**
 * Wraps a generator so that unsubscribing stops it at once: a plain async generator suspended in an
 * `await` would only see `return()` after its next wake-up.
 */
export function abortable<T>(start: (signal: AbortSignal) => AsyncGenerator<T>): AsyncIterableIterator<T> {
  const controller = new AbortController();
  const inner = start(controller.signal);
  const iterator: AsyncIterableIterator<T> = {
    next: () => inner.next(),
    return: async (value?: unknown) => {
      controller.abort();
      await inner.return(undefined as never);
      return { done: true, value: value as T };
    },
    throw: async (error?: unknown) => {
      controller.abort();
      return inner.throw(error);
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}
