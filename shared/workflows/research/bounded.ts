/** The calls of a phase that do not depend on each other run this many at a time. */
export const MODEL_CONCURRENCY = 4;

/**
 * `work` over `items`, at most `limit` at once, the results in the items' order. Calls start
 * in the items' order. The first failure is thrown once every started call has settled, so no
 * call is still running (and metering) when the phase records what it used.
 */
export async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (next < items.length && !failure) {
      const index = next++;
      try {
        results[index] = await work(items[index]!, index);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure) throw failure.error;
  return results;
}
