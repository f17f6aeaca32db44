/**
 * Reads asked for during one turn of the event loop, answered by one query: the keys are collected until
 * the I/O callbacks of this turn have run (`setImmediate`), then loaded together. Nothing is kept between
 * batches, so every answer is read after it was asked for (no staleness, no cache). Under a storm of
 * requests this turns a query per request into a query per batch; alone, a key waits for one loop turn.
 * With `gather`, a batch waits up to `ms` after its first key for `size` keys (callers that can afford the
 * wait, and share one write).
 */
export function createBatchLoader<K, V>(
  loadMany: (keys: K[]) => Promise<Map<K, V>>,
  options: { maxBatch: number; maxInFlight: number; gather?: { ms: number; size: number } },
): (key: K) => Promise<V | undefined> {
  type Waiters = Array<{ resolve: (v: V | undefined) => void; reject: (e: unknown) => void }>;
  let waiting = new Map<K, Waiters>();
  let scheduled: "soon" | NodeJS.Timeout | null = null;
  let inFlight = 0;
  /** When the oldest waiting key was asked for (the gather window counts from it). */
  let firstAskedAt = 0;

  function schedule(): void {
    const gather = options.gather;
    const left = gather && waiting.size < gather.size ? gather.ms - (performance.now() - firstAskedAt) : 0;
    if (left > 0) {
      scheduled ??= setTimeout(flush, left);
      return;
    }
    if (scheduled === "soon") return;
    if (scheduled) clearTimeout(scheduled);
    scheduled = "soon";
    setImmediate(flush);
  }

  function run(batch: Map<K, Waiters>): void {
    inFlight++;
    loadMany([...batch.keys()])
      .then(
        (found) => {
          for (const [key, waiters] of batch) for (const w of waiters) w.resolve(found.get(key));
        },
        (error: unknown) => {
          for (const waiters of batch.values()) for (const w of waiters) w.reject(error);
        },
      )
      .finally(() => {
        inFlight--;
        if (waiting.size > 0) schedule();
      });
  }

  // With `maxInFlight` batches running, keys wait for one to finish: the busier the database, the bigger the
  // batches (a query per request would only queue up behind the others).
  function flush(): void {
    if (scheduled !== "soon" && scheduled) clearTimeout(scheduled);
    scheduled = null;
    while (waiting.size > 0 && inFlight < options.maxInFlight) {
      if (waiting.size <= options.maxBatch) {
        const all = waiting;
        waiting = new Map();
        run(all);
        break;
      }
      const part = new Map<K, Waiters>();
      for (const [key, waiters] of waiting) {
        part.set(key, waiters);
        waiting.delete(key);
        if (part.size === options.maxBatch) break;
      }
      run(part);
    }
  }

  return (key: K) =>
    new Promise<V | undefined>((resolve, reject) => {
      const waiters = waiting.get(key);
      if (waiters) waiters.push({ resolve, reject });
      else {
        if (waiting.size === 0) firstAskedAt = performance.now();
        waiting.set(key, [{ resolve, reject }]);
      }
      schedule();
    });
}
