import { iso, type Clock } from "../lib/time.js";
import type { ThrottleRepository } from "./throttle.repository.js";

/**
 * One limit: at most `limit` attempts per `windowSeconds` for `key`. The window starts with the first attempt;
 * keys are free-form and built with `throttleKey` (e.g. per account, per address, per account and address).
 */
export interface ThrottleRule {
  key: string;
  limit: number;
  windowSeconds: number;
}

export type ThrottleVerdict =
  | {
      ok: true;
      /** The attempt succeeded: take its count back, and forget these keys' earlier attempts. */
      succeeded(options?: { reset?: readonly string[] }): Promise<void>;
    }
  | { ok: false; retryAfterSeconds: number };

/** `login`, `account`, `Alice` → `login:account:Alice`; parts are escaped so they cannot collide. */
export const throttleKey = (...parts: string[]): string =>
  parts
    .map((p) => p.replace(/[%:]/g, (c) => encodeURIComponent(c)))
    .join(":")
    .slice(0, 255);

/** How many keys a process remembers counting attempts for (`refusalIfCountedHere`). */
const COUNTED_HERE_LIMIT = 100_000;

/**
 * Counting that parallel requests cannot outrun: every attempt takes a slot with one conditional write before
 * it is checked, so 50 simultaneous wrong passwords against a limit of 5 are 5 checks and 45 refusals.
 */
export function createThrottle(deps: { repo: ThrottleRepository; clock: Clock }) {
  const { repo, clock } = deps;
  let lastPrune = 0;

  // Keys this process counted an attempt for, each until its window can no longer be full (see
  // `refusalIfCountedHere`). Bounded: past the bound, every key is read from the database until it drains.
  const countedHere = new Map<string, number>();
  let readAllUntil = 0;
  function noteCounted(key: string, untilMs: number, nowMs: number): void {
    if (countedHere.size >= COUNTED_HERE_LIMIT && !countedHere.has(key)) {
      for (const [k, until] of countedHere) if (until <= nowMs) countedHere.delete(k);
      if (countedHere.size >= COUNTED_HERE_LIMIT) {
        readAllUntil = Math.max(readAllUntil, untilMs);
        return;
      }
    }
    countedHere.set(key, Math.max(untilMs, countedHere.get(key) ?? 0));
  }

  /**
   * Whether a rule is full now, without counting anything: for limits on failures only (provisioning misses),
   * where a refused address must be refused for every request, not only for its next failure.
   */
  async function refusal(rule: ThrottleRule): Promise<{ retryAfterSeconds: number } | null> {
    const now = clock();
    const until = await repo.fullUntil(rule.key, rule.limit, iso(now));
    if (!until) return null;
    return { retryAfterSeconds: Math.max(1, Math.ceil((new Date(until).getTime() - now.getTime()) / 1000)) };
  }

  return {
    /** Attempts counted for `key` in its current window, without counting one. */
    count: (key: string): Promise<number> => repo.peek(key, iso(clock())),

    /** Forgets keys' attempts. */
    reset: (keys: readonly string[]): Promise<void> => repo.reset(keys),

    refusal,

    /**
     * `refusal` for a limit whose attempts only this kind of request counts, read from the database only when
     * this process counted an attempt for the key within the rule's window (or cannot tell): a key that never
     * failed here is almost always clean, and a provisioning storm is thousands of clean hits a second. A key
     * filled through another server is refused here from its first failure here on (that failure is counted
     * against the shared counter first, and refused).
     */
    async refusalIfCountedHere(rule: ThrottleRule): Promise<{ retryAfterSeconds: number } | null> {
      const nowMs = clock().getTime();
      const until = countedHere.get(rule.key);
      if (nowMs >= readAllUntil && (until === undefined || until <= nowMs)) {
        if (until !== undefined) countedHere.delete(rule.key);
        return null;
      }
      return refusal(rule);
    },

    /** Counts one attempt against every rule; refused as soon as one rule is full (the others are given back). */
    async attempt(rules: readonly ThrottleRule[]): Promise<ThrottleVerdict> {
      const now = clock();
      if (now.getTime() - lastPrune > 3_600_000) {
        lastPrune = now.getTime();
        await repo.prune(iso(new Date(now.getTime() - 86_400_000)));
      }
      const taken: string[] = [];
      for (const rule of rules) {
        noteCounted(rule.key, now.getTime() + rule.windowSeconds * 1000, now.getTime());
        const r = await repo.hit(
          rule.key,
          rule.limit,
          iso(now),
          iso(new Date(now.getTime() + rule.windowSeconds * 1000)),
        );
        if ("until" in r) {
          for (const key of taken) await repo.giveBack(key);
          const retryAfterSeconds = Math.max(1, Math.ceil((new Date(r.until).getTime() - now.getTime()) / 1000));
          return { ok: false, retryAfterSeconds };
        }
        taken.push(rule.key);
      }
      return {
        ok: true,
        async succeeded(options = {}) {
          const reset = new Set(options.reset ?? []);
          for (const key of taken) if (!reset.has(key)) await repo.giveBack(key);
          await repo.reset([...reset]);
        },
      };
    },
  };
}
export type Throttle = ReturnType<typeof createThrottle>;
