import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parse as parseToml } from "smol-toml";
import { z } from "zod";
import { parseNetwork } from "./lib/ip-networks.js";

/**
 * The only reader of process.env. Settings come from env (highest priority), then the optional
 * TOML file (`CISISK_CONFIG`, default ./cisisk.toml), then defaults. Every problem is reported at once.
 */

const port = z.coerce.number().int().min(0).max(65535);
const hostPort = z.string().regex(/^[^\s:]+(:\d{1,5})?$/, "must be host or host:port");
const cidrList = z.array(z.string()).default([]);

const tomlSchema = z
  .object({
    server: z
      .object({
        port: port.optional(),
        host: z.string().optional(),
        database_url: z.string().optional(),
        data_dir: z.string().optional(),
        log_level: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).optional(),
        web_dist_dir: z.string().optional(),
        /** Proxies whose X-Forwarded-For is believed (addresses or CIDR ranges, IPv4 or IPv6). */
        trusted_proxies: z
          .array(z.string().refine((s) => parseNetwork(s) !== null, "must be an IP address or CIDR range"))
          .default([]),
      })
      .strict()
      .default({ trusted_proxies: [] }),
    auth: z
      .object({
        admin_username: z.string().optional(),
        access_token_ttl_seconds: z.number().int().min(30).max(86_400).default(900),
        refresh_token_ttl_days: z.number().int().min(1).max(365).default(30),
        login_window_seconds: z.number().int().min(1).default(900),
        login_max_failures_per_account: z.number().int().min(1).default(5),
        login_max_failures_per_ip: z.number().int().min(1).default(20),
        login_max_failures_per_account_address: z.number().int().min(1).default(5),
        login_history_days: z.number().int().min(1).max(3650).default(14),
      })
      .strict()
      .default({
        access_token_ttl_seconds: 900,
        refresh_token_ttl_days: 30,
        login_window_seconds: 900,
        login_max_failures_per_account: 5,
        login_max_failures_per_ip: 20,
        login_max_failures_per_account_address: 5,
        login_history_days: 14,
      }),
    /** Passkeys (WebAuthn): the relying party the browser checks; and how fresh each server's settings are. */
    security: z
      .object({
        rp_id: z.string().min(1).default("localhost"),
        rp_origin: z.url().optional(),
        rp_name: z.string().min(1).default("Cisisk"),
        settings_cache_ms: z.number().int().min(0).max(2000).default(1000),
      })
      .strict()
      .default({ rp_id: "localhost", rp_name: "Cisisk", settings_cache_ms: 1000 }),
    sip: z
      .object({
        domain: z.string().default("localhost"),
        realm: z.string().optional(),
        proxy: hostPort.optional(),
        transport: z.enum(["udp", "tcp", "tls"]).default("udp"),
      })
      .strict()
      .default({ domain: "localhost", transport: "udp" }),
    asterisk: z
      .object({
        host: z.string().default("127.0.0.1"),
        mode: z.enum(["none", "realtime", "files"]).default("none"),
        ami_host: z.string().optional(),
        ami_port: port.default(5038),
        ami_username: z.string().optional(),
        ami_secret: z.string().optional(),
        realtime_database_url: z.string().optional(),
        config_dir: z.string().optional(),
        default_context: z.string().default("from-internal"),
      })
      .strict()
      .default({ host: "127.0.0.1", mode: "none", ami_port: 5038, default_context: "from-internal" }),
    ftp: z
      .object({
        host: z.string().optional(),
        port: port.default(21),
        username: z.string().default("anonymous"),
        password: z.string().default(""),
        directory: z.string().default("/"),
        backup_directory: z.string().default("/cisisk-backups"),
        secure: z.boolean().default(false),
        keep_backups: z.number().int().min(1).max(100).default(5),
        pool_size: z.number().int().min(1).max(32).default(4),
      })
      .strict()
      .default({
        port: 21,
        username: "anonymous",
        password: "",
        directory: "/",
        backup_directory: "/cisisk-backups",
        secure: false,
        keep_backups: 5,
        pool_size: 4,
      }),
    restart: z
      .object({
        sip_method: z.enum(["notify", "ami"]).default("notify"),
        sip_event: z.enum(["check-sync", "service-control"]).default("check-sync"),
        sip_port: port.default(5060),
        sccp_method: z.enum(["cgi", "ami"]).default("cgi"),
        cgi_username: z.string().default("cisisk"),
        cgi_password: z.string().optional(),
        timeout_ms: z.number().int().min(100).max(120_000).default(5000),
        sip_transport: z.enum(["udp", "tcp"]).default("udp"),
        cgi_port: port.default(80),
        cgi_key_delay_ms: z.number().int().min(0).max(10_000).default(1000),
        concurrency: z.number().int().min(1).max(64).default(8),
        /** Deprecated: [jobs] lease_seconds (used when that is not set). */
        bulk_stale_after_seconds: z.number().min(1).max(3600).optional(),
      })
      .strict()
      .default({
        sip_method: "notify",
        sip_event: "check-sync",
        sip_port: 5060,
        sccp_method: "cgi",
        cgi_username: "cisisk",
        timeout_ms: 5000,
        sip_transport: "udp",
        cgi_port: 80,
        cgi_key_delay_ms: 1000,
        concurrency: 8,
      }),
    jobs: z
      .object({
        lease_seconds: z.number().min(0.5).max(3600).optional(),
        poll_seconds: z.number().min(0.1).max(3600).default(5),
        backoff_seconds: z.number().min(0).max(3600).default(5),
        max_backoff_seconds: z.number().min(0).max(86_400).default(300),
        max_attempts: z.number().int().min(1).max(100).default(8),
      })
      .strict()
      .default({ poll_seconds: 5, backoff_seconds: 5, max_backoff_seconds: 300, max_attempts: 8 }),
    phone_services: z
      .object({
        base_url: z.url().optional(),
        session_ttl_hours: z
          .number()
          .min(0.01)
          .max(24 * 365)
          .default(24),
      })
      .strict()
      .default({ session_ttl_hours: 24 }),
    provisioning: z
      .object({
        provision_url_base: z.url().optional(),
        allowed_networks: cidrList,
        auth: z.enum(["none", "digest", "basic"]).default("none"),
        username: z.string().optional(),
        password: z.string().optional(),
        miss_limit_per_minute: z.number().int().min(1).default(30),
        /** Where deploys put phone files: an FTP server (`[ftp]`), or Cisisk itself, serving them over TFTP and HTTP. */
        store: z.enum(["ftp", "self"]).default("ftp"),
        /** With store = "self": the TFTP listener (0 = off) and the HTTP one Cisco firmware asks first (0 = off). */
        tftp_port: port.default(69),
        cisco_http_port: port.default(6970),
        /** Largest file an administrator may upload for the phones (firmware loads), in MiB. */
        upload_limit_mb: z.number().int().min(1).max(1024).default(64),
        /** Refuse (404) a file whose requester's User-Agent carries another MAC (Yealink, Fanvil send theirs). */
        user_agent_mac_check: z.boolean().default(false),
        /** Extra file keys per model: `[provisioning.model_keys.T46S]` or `[provisioning.model_keys."yealink:T46S"]`. */
        model_keys: z.record(z.string(), z.record(z.string(), z.string())).default({}),
      })
      .strict()
      .refine((p) => p.auth === "none" || (!!p.username && !!p.password), {
        message: "auth digest/basic needs username and password",
        path: ["auth"],
      })
      .default({
        allowed_networks: [],
        auth: "none",
        miss_limit_per_minute: 30,
        store: "ftp",
        tftp_port: 69,
        cisco_http_port: 6970,
        upload_limit_mb: 64,
        user_agent_mac_check: false,
        model_keys: {},
      }),
    mail: z
      .object({
        smtp_url: z
          .string()
          .regex(/^smtps?:\/\/[^\s/]+/, "must be smtp://[user:pass@]host[:port] or smtps://…")
          .optional(),
        from: z.string().min(3).default("Cisisk <cisisk@localhost>"),
      })
      .strict()
      .default({ from: "Cisisk <cisisk@localhost>" }),
    sms: z
      .object({
        url: z.url().optional(),
        method: z.enum(["GET", "POST"]).default("POST"),
        headers: z.record(z.string(), z.string()).default({}),
        body_template: z.string().optional(),
      })
      .strict()
      .default({ method: "POST", headers: {} }),
    registration: z
      .object({
        public_registration: z.boolean().default(false),
        phone_registration: z.boolean().default(false),
        /** Where people reach this server: links in mails and provisioning URLs start with it. */
        public_url: z.url().optional(),
        provisioning_link_hours: z
          .number()
          .min(0.01)
          .max(24 * 90)
          .default(72),
      })
      .strict()
      .default({ public_registration: false, phone_registration: false, provisioning_link_hours: 72 }),
  })
  .strict();

export type TomlConfig = z.infer<typeof tomlSchema>;

export type DatabaseUrl = string;

export interface Config extends Omit<TomlConfig, "server" | "auth" | "jobs"> {
  /** Leases, heartbeats and retries of work any server may do (jobs/). */
  readonly jobs: TomlConfig["jobs"] & { readonly lease_seconds: number };
  readonly server: {
    readonly port: number;
    readonly host: string;
    readonly databaseUrl: DatabaseUrl;
    readonly dataDir: string;
    readonly logLevel: string;
    readonly webDistDir: string;
    readonly trustedProxies: readonly string[];
  };
  readonly auth: {
    readonly adminUsername: string;
    /** Only used to seed the first superadmin; never logged. */
    readonly adminPassword: string | undefined;
    readonly jwtSecret: string;
    /** Encrypts secrets that must be read back (SIP secrets for phone configs). Losing it loses them. */
    readonly secretKey: string;
    readonly accessTokenTtlSeconds: number;
    readonly refreshTokenTtlDays: number;
    readonly loginWindowSeconds: number;
    readonly loginMaxFailuresPerAccount: number;
    readonly loginMaxFailuresPerIp: number;
    readonly loginMaxFailuresPerAccountAddress: number;
    readonly loginHistoryDays: number;
  };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join("\n  - ")}`);
    this.name = "ConfigError";
  }
}

type Env = Record<string, string | undefined>;

const envSchema = z.object({
  PORT: port.optional(),
  HOST: z.string().min(1).optional(),
  DATABASE_URL: z
    .string()
    .regex(/^(sqlite:|postgres(ql)?:\/\/|mysql:\/\/|mariadb:\/\/)/, "must start with sqlite:, postgres:// or mysql://")
    .optional(),
  CISISK_DATA_DIR: z.string().min(1).optional(),
  CISISK_ADMIN_USERNAME: z
    .string()
    .regex(/^[A-Za-z0-9._-]{2,64}$/, "2-64 letters, digits, '.', '_' or '-' (no '@')")
    .optional(),
  CISISK_ADMIN_PASSWORD: z.string().min(8, "must be at least 8 characters").max(128).optional(),
  JWT_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  CISISK_SECRET_KEY: z.string().min(32, "must be at least 32 characters").optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).optional(),
  CISISK_WEB_DIST: z.string().optional(),
});

function formatIssues(prefix: string, error: z.ZodError): string[] {
  return error.issues.map((i) => `${prefix}${i.path.join(".") || "(root)"}: ${i.message}`);
}

export interface LoadConfigOptions {
  /** Overrides applied after parsing the TOML file (tests use this). */
  toml?: Partial<Record<keyof TomlConfig, unknown>>;
  /** Working directory that relative paths are resolved against. */
  cwd?: string;
  /** Tests: do not complain that CISISK_CONFIG names no file. */
  allowMissingConfigFile?: boolean;
}

export function loadConfig(env: Env = process.env, options: LoadConfigOptions = {}): Config {
  const cwd = options.cwd ?? process.cwd();
  const problems: string[] = [];

  const envResult = envSchema.safeParse(env);
  if (!envResult.success) problems.push(...formatIssues("env ", envResult.error));
  const e = envResult.success ? envResult.data : {};

  let rawToml: Record<string, unknown> = {};
  const tomlPath = path.resolve(cwd, env.CISISK_CONFIG ?? "cisisk.toml");
  if (existsSync(tomlPath)) {
    try {
      rawToml = parseToml(readFileSync(tomlPath, "utf8")) as Record<string, unknown>;
    } catch (err) {
      problems.push(`${tomlPath}: ${(err as Error).message.split("\n")[0]}`);
    }
  } else if (env.CISISK_CONFIG && !options.allowMissingConfigFile) {
    problems.push(`CISISK_CONFIG: file ${tomlPath} does not exist`);
  }
  for (const [table, value] of Object.entries(options.toml ?? {})) {
    rawToml[table] = { ...((rawToml[table] as object | undefined) ?? {}), ...(value as object) };
  }
  const tomlResult = tomlSchema.safeParse(rawToml);
  if (!tomlResult.success) problems.push(...formatIssues("cisisk.toml ", tomlResult.error));

  if (problems.length > 0) throw new ConfigError(problems);
  const t = tomlResult.data!;
  const asteriskProblems = checkAsterisk(t.asterisk);
  if (asteriskProblems.length > 0) throw new ConfigError(asteriskProblems);

  const dataDir = path.resolve(cwd, e.CISISK_DATA_DIR ?? t.server.data_dir ?? "data");
  const databaseUrl = e.DATABASE_URL ?? t.server.database_url ?? "sqlite:./data/cisisk.db";
  const webDistDir = path.resolve(
    cwd,
    e.CISISK_WEB_DIST ?? t.server.web_dist_dir ?? path.join(import.meta.dirname, "../../web/dist"),
  );

  return deepFreeze({
    ...t,
    jobs: { ...t.jobs, lease_seconds: t.jobs.lease_seconds ?? t.restart.bulk_stale_after_seconds ?? 60 },
    sip: { ...t.sip, realm: t.sip.realm ?? t.sip.domain },
    server: {
      port: e.PORT ?? t.server.port ?? 3000,
      host: e.HOST ?? t.server.host ?? "0.0.0.0",
      databaseUrl,
      dataDir,
      logLevel: e.LOG_LEVEL ?? t.server.log_level ?? "info",
      webDistDir,
      trustedProxies: t.server.trusted_proxies,
    },
    auth: {
      adminUsername: e.CISISK_ADMIN_USERNAME ?? t.auth.admin_username ?? "admin",
      adminPassword: e.CISISK_ADMIN_PASSWORD,
      jwtSecret: e.JWT_SECRET ?? readOrCreateSecret(dataDir, "jwt-secret"),
      secretKey: e.CISISK_SECRET_KEY ?? readOrCreateSecret(dataDir, "secret-key"),
      accessTokenTtlSeconds: t.auth.access_token_ttl_seconds,
      refreshTokenTtlDays: t.auth.refresh_token_ttl_days,
      loginWindowSeconds: t.auth.login_window_seconds,
      loginMaxFailuresPerAccount: t.auth.login_max_failures_per_account,
      loginMaxFailuresPerIp: t.auth.login_max_failures_per_ip,
      loginMaxFailuresPerAccountAddress: t.auth.login_max_failures_per_account_address,
      loginHistoryDays: t.auth.login_history_days,
    },
  });
}

/** [asterisk] settings that only make sense together. */
function checkAsterisk(a: TomlConfig["asterisk"]): string[] {
  const problems: string[] = [];
  if (a.mode === "files" && !a.config_dir)
    problems.push('cisisk.toml asterisk.config_dir: required when mode = "files"');
  if (
    a.realtime_database_url &&
    !/^(sqlite:|postgres(ql)?:\/\/|mysql:\/\/|mariadb:\/\/)/.test(a.realtime_database_url)
  ) {
    problems.push("cisisk.toml asterisk.realtime_database_url: must start with sqlite:, postgres:// or mysql://");
  }
  if (a.ami_host && (!a.ami_username || !a.ami_secret)) {
    problems.push("cisisk.toml asterisk.ami_username / ami_secret: required when ami_host is set");
  }
  return problems;
}

/** A secret generated on first start and kept (0600) under the data dir, so restarts keep sessions valid. */
function readOrCreateSecret(dataDir: string, name: string): string {
  const file = path.join(dataDir, name);
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(48).toString("base64url");
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return secret;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object") {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
