/**
 * Renews a lease every `everyMs` until stopped; calls `onLost` once when `renew` says the lease is no longer
 * ours. A failed renewal (database hiccup) is reported and retried at the next beat: the lease is longer.
 */
export function keepLeased(
  renew: () => Promise<boolean>,
  everyMs: number,
  onLost: () => void,
  onError: (err: Error) => void,
): () => void {
  const timer = setInterval(() => {
    renew()
      .then((ours) => {
        if (ours) return;
        clearInterval(timer);
        onLost();
      })
      .catch((err: unknown) => onError(err as Error));
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
