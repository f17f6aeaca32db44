/**
 * Reads asked for during one turn of the event loop, answered by one query: the keys are collected until
 * the I/O callbacks of this turn have run (`setImmediate`), then loaded together. Nothing is kept between
 * batches, so every answer is read after it was asked for (no staleness, no cache). Under a storm of
 * requests this turns a query per request into a query per batch; alone, a key waits for one loop turn.
 */
export function createBatchLoader<K, V>(
  loadMany: (keys: K[]) => Promise<Map<K, V>>,
  options: { maxBatch: number },
): (key: K) => Promise<V | undefined> {
  let waiting = new Map<K, Array<{ resolve: (v: V | undefined) => void; reject: (e: unknown) => void }>>();
  let scheduled = false;

  function run(batch: typeof waiting): void {
    loadMany([...batch.keys()]).then(
      (found) => {
        for (const [key, waiters] of batch) for (const w of waiters) w.resolve(found.get(key));
      },
      (error: unknown) => {
        for (const waiters of batch.values()) for (const w of waiters) w.reject(error);
      },
    );
  }

  function flush(): void {
    scheduled = false;
    const all = waiting;
    waiting = new Map();
    if (all.size <= options.maxBatch) return run(all);
    let part = new Map<K, Array<{ resolve: (v: V | undefined) => void; reject: (e: unknown) => void }>>();
    for (const [key, waiters] of all) {
      part.set(key, waiters);
      if (part.size === options.maxBatch) {
        run(part);
        part = new Map();
      }
    }
    if (part.size > 0) run(part);
  }

  return (key: K) =>
    new Promise<V | undefined>((resolve, reject) => {
      const waiters = waiting.get(key);
      if (waiters) waiters.push({ resolve, reject });
      else waiting.set(key, [{ resolve, reject }]);
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    });
}
