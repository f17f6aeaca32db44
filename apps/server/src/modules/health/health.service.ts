import { componentNames, type ComponentName, type ComponentStatus, type Dashboard } from "@cisisk/contract";
import type { AsteriskFailure, DeploymentSummary, FileServing, SendFailure } from "@cisisk/contract";
import type { Config } from "../../config.js";
import { iso, type Clock } from "../../lib/time.js";
import { VERSION } from "../../version.js";
import type { Logger } from "../../logger.js";
import type { HealthRepository } from "./health.repository.js";

/** Counters other modules contribute to the dashboard (each module registers its own). */
export type CountSource = () => Promise<number>;
export type DashboardCounts = Dashboard["counts"];

export interface HealthServiceDeps {
  repo: HealthRepository;
  log: Logger;
  config: Config;
  clock: Clock;
  startedAt: Date;
  counts: Partial<Record<keyof DashboardCounts, CountSource>>;
  /** Extensions configured vs registered in Asterisk (registered null when Asterisk cannot be asked). */
  extensionsStatus?: () => Promise<Dashboard["extensions"]>;
  /** The Asterisk outbox: mode, waiting and failed changes. */
  asteriskStatus?: () => Promise<Dashboard["asterisk"] & { recentFailures: AsteriskFailure[] }>;
  /** Mail and SMS sends that failed (supplied by the notifications module). */
  sendFailures?: (limit: number) => Promise<SendFailure[]>;
  /** The newest deployments (supplied by the deployments module). */
  recentDeployments?: (limit: number) => Promise<DeploymentSummary[]>;
  /** Cisisk's own TFTP/HTTP file serving (supplied by the file-store module). */
  fileServing?: () => FileServing;
}

const RECENT_FAILURES = 10;

export function createHealthService(deps: HealthServiceDeps) {
  const { repo, config, clock } = deps;

  /** A dashboard part that cannot be read shows empty; why is logged, not hidden. */
  const partMissing =
    <T>(part: string, empty: T) =>
    (err: unknown): T => {
      deps.log.warn({ part, err }, "dashboard part unavailable");
      return empty;
    };

  async function pingDatabase(): Promise<{ ok: boolean; error: string | null }> {
    const error = await repo.ping();
    return { ok: error === null, error };
  }

  function isConfigured(name: ComponentName): boolean {
    switch (name) {
      case "database":
        return true;
      case "ami":
        return Boolean(config.asterisk.ami_host && config.asterisk.ami_username);
      case "ftp":
        return Boolean(config.ftp.host);
      case "mail":
        return Boolean(config.mail.smtp_url);
      case "sms":
        return Boolean(config.sms.url);
    }
  }

  return {
    async health() {
      const { ok, error } = await pingDatabase();
      return {
        status: ok ? ("ok" as const) : ("degraded" as const),
        db: ok ? ("ok" as const) : ("down" as const),
        ...(error !== null && { reason: error }),
        version: VERSION,
      };
    },

    /** Adapters record the outcome of their last real use in component_status; every server reads the same rows. */
    async recordComponent(name: ComponentName, status: "ok" | "down", lastError: string | null): Promise<void> {
      await repo.saveComponent(name, status, lastError?.slice(0, 1024) ?? null, iso(clock()));
    },

    async dashboard(): Promise<Dashboard> {
      const dbCheck = await pingDatabase();
      const rows = dbCheck.ok ? await repo.components() : [];
      const components = {} as Record<ComponentName, ComponentStatus>;
      for (const name of componentNames) {
        if (name === "database") {
          components.database = {
            status: dbCheck.ok ? "ok" : "down",
            lastError: dbCheck.error,
            checkedAt: iso(clock()),
          };
          continue;
        }
        const row = rows.find((r) => r.name === name);
        components[name] = !isConfigured(name)
          ? { status: "not_configured", lastError: null, checkedAt: null }
          : row
            ? { status: row.status as "ok" | "down", lastError: row.lastError, checkedAt: row.checkedAt }
            : { status: "unknown", lastError: null, checkedAt: null };
      }
      const countOf = async (k: keyof DashboardCounts) => (dbCheck.ok && deps.counts[k] ? deps.counts[k]() : 0);
      // The registration part counts the extensions too: that count serves both (a count of a large table
      // is the dashboard's main cost), and every part is read at once.
      const registrations = dbCheck.ok && deps.extensionsStatus ? deps.extensionsStatus() : null;
      const [
        [users, extensions, phones, profiles, contacts, services],
        extensionsStatus,
        asteriskStatus,
        recentDeployments,
        recentSendFailures,
        backgroundFailures,
      ] = await Promise.all([
        Promise.all([
          countOf("users"),
          registrations
            ? registrations.then(
                (r) => r.configured,
                () => countOf("extensions"),
              )
            : countOf("extensions"),
          ...(["phones", "profiles", "contacts", "services"] as const).map(countOf),
        ]),
        registrations
          ? registrations.catch(partMissing("extensions", { configured: 0, registered: null }))
          : { configured: 0, registered: null },
        dbCheck.ok && deps.asteriskStatus ? deps.asteriskStatus().catch(partMissing("asterisk", null)) : null,
        dbCheck.ok && deps.recentDeployments
          ? deps.recentDeployments(10).catch(partMissing("recentDeployments", []))
          : [],
        dbCheck.ok && deps.sendFailures ? deps.sendFailures(10).catch(partMissing("recentSendFailures", [])) : [],
        dbCheck.ok ? repo.recentFailures(RECENT_FAILURES) : [],
      ]);
      const recentFailures: AsteriskFailure[] = [
        ...(asteriskStatus?.recentFailures ?? []),
        ...backgroundFailures.map((f) => ({
          id: f.id,
          source: f.source,
          extensionNumber: null,
          status: "failed" as const,
          attempts: 1,
          lastError: `${f.subject}: ${f.error}`,
          createdAt: f.createdAt,
        })),
      ]
        .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
        .slice(0, RECENT_FAILURES);
      return {
        counts: {
          users: users!,
          extensions: extensions!,
          phones: phones!,
          profiles: profiles!,
          contacts: contacts!,
          services: services!,
        },
        components,
        version: VERSION,
        uptimeSeconds: Math.round((clock().getTime() - deps.startedAt.getTime()) / 1000),
        extensions: extensionsStatus,
        asterisk: {
          mode: config.asterisk.mode,
          pendingChanges: asteriskStatus?.pendingChanges ?? 0,
          failedChanges: asteriskStatus?.failedChanges ?? 0,
          lastError: asteriskStatus?.lastError ?? null,
        },
        recentFailures,
        recentSendFailures,
        recentDeployments,
        ...(deps.fileServing && { fileServing: deps.fileServing() }),
      };
    },
  };
}
export type HealthService = ReturnType<typeof createHealthService>;
