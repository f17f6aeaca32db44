/** A bulk row a worker may deploy: claimed by this server at `startedAt` (the claim every later write is fenced by). */
export interface Claimed<R> {
  row: R;
  startedAt: string;
}

/**
 * Hands a bulk deploy's rows to its workers, claiming them ahead in chunks: one conditional write per
 * `chunk` rows instead of one per phone, issued while the workers still have `lowWater` claimed rows to take,
 * so none waits for it. Rows that are not ours to take (another server has them) are skipped. Once `lost()`
 * (this server no longer holds the batch) nothing more is claimed, but what was claimed is still handed out:
 * a claimed row left alone would stay running for ever if the server now holding the batch saw it pending.
 * Each is fenced by its claim, so one the other server took again is stopped at its next write.
 */
export function createBulkClaims<R>(
  rows: readonly R[],
  claim: (chunk: R[]) => Promise<Claimed<R>[]>,
  opts: { chunk: number; lowWater: number; lost: () => boolean },
): { take(): Promise<Claimed<R> | null> } {
  let next = 0;
  const ready: Claimed<R>[] = [];
  let claiming: Promise<void> | null = null;
  let failure: { error: unknown } | undefined;

  function claimMore(): void {
    const chunk = rows.slice(next, next + opts.chunk);
    next += chunk.length;
    claiming = claim(chunk)
      .then((claimed) => void ready.push(...claimed))
      // Reported to every worker that asks next: the batch's run fails and is retried as a job.
      .catch((error: unknown) => void (failure ??= { error }))
      .finally(() => (claiming = null));
  }

  return {
    async take() {
      for (;;) {
        if (failure) throw failure.error;
        if (!claiming && ready.length <= opts.lowWater && next < rows.length && !opts.lost()) claimMore();
        if (ready.length > 0) return ready.shift()!;
        if (!claiming) return null;
        await claiming;
      }
    },
  };
}
