import type { Logger } from "../../logger.js";
import { iso, type Clock } from "../../lib/time.js";
import type { HealthRepository } from "./health.repository.js";

export interface BackgroundFailure {
  /** What failed: asterisk_sync, bulk_deploy, component_status, … */
  source: string;
  /** What it was working on: a batch id, "outbox", a component name. */
  subject: string;
  error: unknown;
}

/** Logs a failure of background work and stores it for the dashboard; never throws. */
export type ReportFailure = (failure: BackgroundFailure) => Promise<void>;

export function createFailureReporter(deps: { repo: HealthRepository; log: Logger; clock: Clock }): ReportFailure {
  return async ({ source, subject, error }) => {
    deps.log.error({ source, subject, err: error }, `${source} failed (${subject})`);
    const message = error instanceof Error ? error.message || error.name : String(error);
    try {
      await deps.repo.saveFailure({
        source: source.slice(0, 40),
        subject: subject.slice(0, 200),
        error: message.slice(0, 1024),
        createdAt: iso(deps.clock()),
      });
    } catch (err) {
      deps.log.error({ source, subject, err }, "a background failure could not be stored for the dashboard");
    }
  };
}
