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

/**
 * Counting that parallel requests cannot outrun: every attempt takes a slot with one conditional write before
 * it is checked, so 50 simultaneous wrong passwords against a limit of 5 are 5 checks and 45 refusals.
 */
export function createThrottle(deps: { repo: ThrottleRepository; clock: Clock }) {
  const { repo, clock } = deps;
  let lastPrune = 0;

  return {
    /** Attempts counted for `key` in its current window, without counting one. */
    count: (key: string): Promise<number> => repo.peek(key, iso(clock())),

    /** Forgets keys' attempts. */
    reset: (keys: readonly string[]): Promise<void> => repo.reset(keys),

    /**
     * Whether a rule is full now, without counting anything: for limits on failures only (provisioning misses),
     * where a refused address must be refused for every request, not only for its next failure.
     */
    async refusal(rule: ThrottleRule): Promise<{ retryAfterSeconds: number } | null> {
      const now = clock();
      const until = await repo.fullUntil(rule.key, rule.limit, iso(now));
      if (!until) return null;
      return { retryAfterSeconds: Math.max(1, Math.ceil((new Date(until).getTime() - now.getTime()) / 1000)) };
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
