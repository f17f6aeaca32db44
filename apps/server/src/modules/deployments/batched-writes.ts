/**
 * Collects items and writes them in groups: once `size` are waiting, or `delayMs` after the first of a group
 * arrived. Groups are written one at a time, in order. A bulk deploy records its phones' outcomes this way:
 * on PostgreSQL and MariaDB every statement is a network round trip (and a commit), which per phone cost
 * more than the phone's FTP work.
 */
export function createBatchedWrites<T>(
  write: (items: T[]) => Promise<void>,
  opts: { size: number; delayMs: number },
): { add(item: T): void; drain(): Promise<void> } {
  let waiting: T[] = [];
  let timer: NodeJS.Timeout | undefined;
  let written: Promise<void> = Promise.resolve();
  let failure: { error: unknown } | undefined;

  function flush(): Promise<void> {
    clearTimeout(timer);
    timer = undefined;
    if (waiting.length > 0) {
      const group = waiting;
      waiting = [];
      // A failed group does not stop the next ones (other rows); drain() reports the first failure.
      written = written.then(() => write(group)).catch((error: unknown) => void (failure ??= { error }));
    }
    return written;
  }

  return {
    add(item) {
      waiting.push(item);
      if (waiting.length >= opts.size) void flush();
      else timer ??= setTimeout(() => void flush(), opts.delayMs);
    },
    /** Writes what is waiting and resolves once every group is written; rejects if any write failed. */
    async drain() {
      await flush();
      if (failure) throw failure.error;
    },
  };
}
