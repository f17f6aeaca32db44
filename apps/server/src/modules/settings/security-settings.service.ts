import type { SecuritySettings, UpdateSecuritySettings, User } from "@cisisk/contract";
import { z } from "zod";
import { Conflict, ValidationFailed } from "../../errors.js";
import { inNetworks, parseNetwork, type Network } from "../../lib/ip-networks.js";
import { iso, type Clock } from "../../lib/time.js";
import type { UsersService } from "../users/users.service.js";
import type { SecuritySettingsRepository } from "./security-settings.repository.js";

/** What the settings hold; the admin username is the caller's own account name, not stored here. */
export interface SecurityPolicy {
  allowedNetworks: string[];
  trustedProxies: string[];
  adminEmails: string;
  apiBasicAuth: boolean;
  tokenValidityDays: number;
  accessTokenTtlSeconds: number;
}

export interface SecuritySettingsDeps {
  repo: SecuritySettingsRepository;
  users: Pick<UsersService, "update">;
  clock: Clock;
  /** From the config file: used until the settings are first saved, and for fields never saved. */
  defaults: SecurityPolicy;
  /**
   * How long one server may keep using what it read: servers share nothing but the database, so a change
   * made on one is seen by every other within this time (0: read on every request).
   */
  cacheMs: number;
}

const stored = z.object({
  allowedNetworks: z.array(z.string()).optional(),
  trustedProxies: z.array(z.string()).optional(),
  adminEmails: z.string().optional(),
  apiBasicAuth: z.boolean().optional(),
  tokenValidityDays: z.number().int().min(1).optional(),
  accessTokenTtlSeconds: z.number().int().min(30).optional(),
});

/** The effective policy with its address lists parsed. */
export interface ActivePolicy extends SecurityPolicy {
  allowed: Network[];
  emails: string[];
}

const email = z.email();

export function splitEmails(text: string): string[] {
  return text
    .split(";")
    .map((e) => e.trim())
    .filter(Boolean);
}

export function createSecuritySettings(deps: SecuritySettingsDeps) {
  const { repo, clock, defaults } = deps;
  let cached: { at: number; policy: Promise<ActivePolicy> } | null = null;

  async function load(): Promise<ActivePolicy> {
    const parsed = stored.safeParse((await repo.read()) ?? {});
    const policy: SecurityPolicy = { ...defaults, ...(parsed.success ? parsed.data : {}) };
    return {
      ...policy,
      allowed: policy.allowedNetworks.map(parseNetwork).filter((n): n is Network => n !== null),
      emails: splitEmails(policy.adminEmails),
    };
  }

  function policy(): Promise<ActivePolicy> {
    const now = Date.now();
    if (!cached || now - cached.at >= deps.cacheMs) {
      const next = load();
      cached = { at: now, policy: next };
      // A failed read is not kept: the next request tries again.
      next.catch(() => {
        if (cached?.policy === next) cached = null;
      });
    }
    return cached.policy;
  }

  function invalidNetworks(field: string, list: readonly string[]) {
    return list.flatMap((entry, i) =>
      parseNetwork(entry)
        ? []
        : [{ path: `body.${field}.${i}`, message: `"${entry}" is not an IP address or CIDR range` }],
    );
  }

  return {
    policy,

    /** Whether `ip` may sign in and use console tokens (an empty allow-list allows everyone). */
    async allows(ip: string): Promise<boolean> {
      const p = await policy();
      return p.allowed.length === 0 || inNetworks(ip, p.allowed);
    },

    async get(actor: User): Promise<SecuritySettings> {
      const p = await policy();
      return {
        adminUsername: actor.username,
        allowedNetworks: p.allowedNetworks,
        trustedProxies: p.trustedProxies,
        adminEmails: p.adminEmails,
        apiBasicAuth: p.apiBasicAuth,
        tokenValidityDays: p.tokenValidityDays,
        accessTokenTtlSeconds: p.accessTokenTtlSeconds,
      };
    },

    /** Recovery (admin CLI): lets every address in again. */
    async allowAllNetworks(): Promise<void> {
      const current = await load();
      await repo.write(
        {
          allowedNetworks: [],
          trustedProxies: current.trustedProxies,
          adminEmails: current.adminEmails,
          apiBasicAuth: current.apiBasicAuth,
          tokenValidityDays: current.tokenValidityDays,
          accessTokenTtlSeconds: current.accessTokenTtlSeconds,
        },
        iso(clock()),
      );
      cached = null;
    },

    async update(input: UpdateSecuritySettings, actor: User, callerIp: string): Promise<SecuritySettings> {
      const { adminUsername, confirmLockout, ...fields } = input;
      const issues = [
        ...invalidNetworks("allowedNetworks", fields.allowedNetworks ?? []),
        ...invalidNetworks("trustedProxies", fields.trustedProxies ?? []),
        ...(fields.adminEmails === undefined
          ? []
          : splitEmails(fields.adminEmails).flatMap((e) =>
              email.safeParse(e).success
                ? []
                : [{ path: "body.adminEmails", message: `"${e}" is not an email address` }],
            )),
      ];
      if (issues.length > 0) throw new ValidationFailed(issues.map((i) => i.message).join("; "), issues);

      const current = await load();
      const next: SecurityPolicy = {
        allowedNetworks: current.allowedNetworks,
        trustedProxies: current.trustedProxies,
        adminEmails: current.adminEmails,
        apiBasicAuth: current.apiBasicAuth,
        tokenValidityDays: current.tokenValidityDays,
        accessTokenTtlSeconds: current.accessTokenTtlSeconds,
        ...fields,
        ...(fields.adminEmails !== undefined && { adminEmails: splitEmails(fields.adminEmails).join(";") }),
        ...(fields.allowedNetworks && { allowedNetworks: fields.allowedNetworks.map((n) => n.trim()) }),
        ...(fields.trustedProxies && { trustedProxies: fields.trustedProxies.map((n) => n.trim()) }),
      };
      const allowed = next.allowedNetworks.map(parseNetwork).filter((n): n is Network => n !== null);
      if (allowed.length > 0 && !inNetworks(callerIp, allowed) && confirmLockout !== true) {
        throw new Conflict(
          `the allowed networks do not include your own address ${callerIp}: send confirmLockout: true to save anyway`,
          { field: "allowedNetworks", ip: callerIp, confirmLockout: "required" },
        );
      }
      if (adminUsername !== undefined && adminUsername !== actor.username) {
        actor = await deps.users.update(actor.id, { username: adminUsername }, actor.id);
      }
      await repo.write({ ...next }, iso(clock()));
      cached = null;
      return this.get(actor);
    },
  };
}
export type SecuritySettingsService = ReturnType<typeof createSecuritySettings>;
