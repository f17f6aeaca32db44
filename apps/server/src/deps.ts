import type { Config } from "./config.js";
import { createJobsRepository } from "./jobs/jobs.repository.js";
import { createJobs } from "./jobs/jobs.service.js";
import { createSmtpMailer } from "./adapters/smtp/smtp-mailer.js";
import { createHttpSms } from "./adapters/sms/http-sms.js";
import { createNotificationsService } from "./modules/notifications/notifications.service.js";
import { createThrottleRepository } from "./throttle/throttle.repository.js";
import { createThrottle } from "./throttle/throttle.js";
import type { Db } from "./db/connect.js";
import { createSecretBox } from "./lib/secret-box.js";
import { systemClock, type Clock } from "./lib/time.js";
import { createAccessTokens } from "./modules/auth/access-tokens.js";
import { createAuthRepository } from "./modules/auth/auth.repository.js";
import { createAuthService } from "./modules/auth/auth.service.js";
import { createPasskeys } from "./modules/auth/passkeys.js";
import { createSecuritySettingsRepository } from "./modules/settings/security-settings.repository.js";
import { createSecuritySettings } from "./modules/settings/security-settings.service.js";
import { createHealthService } from "./modules/health/health.service.js";
import { createPhoneSessionsService } from "./modules/phone-sessions/phone-sessions.service.js";
import { createUsersRepository } from "./modules/users/users.repository.js";
import { createUsersService } from "./modules/users/users.service.js";
import { createCgiExecutor } from "./adapters/cgi/cgi-execute.js";
import { createFtpPhoneFiles } from "./adapters/ftp/ftp-files.js";
import { createSipNotifier } from "./adapters/sip/sip-notify.js";
import { parseContactUri } from "./adapters/sip/build-notify.js";
import { createDeploymentsRepository } from "./modules/deployments/deployments.repository.js";
import { createDeploymentsService } from "./modules/deployments/deployments.service.js";
import { createPhonesRepository } from "./modules/phones/phones.repository.js";
import { createPhonesService } from "./modules/phones/phones.service.js";
import { createSccpDevices } from "./modules/phones/sccp-devices.js";
import { createLineSource } from "./modules/profiles/line-source.js";
import { createProfilesRepository } from "./modules/profiles/profiles.repository.js";
import { createProfilesService } from "./modules/profiles/profiles.service.js";
import { createAmiClient } from "./adapters/ami/ami-client.js";
import { createAsteriskManager } from "./adapters/ami/asterisk-manager.js";
import { createAsteriskPhoneControl, type AsteriskPhoneControl } from "./adapters/ami/phone-control.js";
import { connectDatabase } from "./db/connect.js";
import { transactor } from "./db/transaction.js";
import type { RealtimeDb } from "./adapters/asterisk/realtime-writer.js";
import { createAsteriskChangesRepository } from "./modules/extensions/asterisk-changes.repository.js";
import { createExtensionsRepository } from "./modules/extensions/extensions.repository.js";
import { createHealthRepository } from "./modules/health/health.repository.js";
import { createFailureReporter } from "./modules/health/failures.js";
import type { Logger } from "./logger.js";
import { createPhoneSessionsRepository } from "./modules/phone-sessions/phone-sessions.repository.js";
import { createAsteriskSync } from "./modules/extensions/asterisk-sync.service.js";
import { createExtensionsService } from "./modules/extensions/extensions.service.js";
import { createDirectoryRepository } from "./modules/directory/directory.repository.js";
import { createDirectoryService } from "./modules/directory/directory.service.js";
import { createPhoneXmlService } from "./modules/services/phone-xml.service.js";
import { createServicesRepository } from "./modules/services/services.repository.js";
import { createServicesService } from "./modules/services/services.service.js";
import { createFirmwareRepository } from "./modules/firmware/firmware.repository.js";
import { createFirmwareService } from "./modules/firmware/firmware.service.js";
import { createCiscoDriver } from "./vendors/cisco/cisco-driver.js";
import { vendorDrivers } from "./vendors/vendor-driver.js";
import path from "node:path";
import { parseNetwork, type Network } from "./lib/ip-networks.js";
import { createFileStoreRepository } from "./modules/file-store/file-store.repository.js";
import { createFileStoreService } from "./modules/file-store/file-store.service.js";
import { createPhoneFileChain, type PhoneFileSource } from "./modules/file-store/phone-file-source.js";
import { createPublishedPhoneFiles } from "./modules/file-store/published-files.js";
import { createAccountTokens } from "./modules/accounts/account-tokens.js";
import { createAccountsRepository } from "./modules/accounts/accounts.repository.js";
import { createAccountsService } from "./modules/accounts/accounts.service.js";
import { createApiKeysRepository } from "./modules/api-keys/api-keys.repository.js";
import { createApiKeysService } from "./modules/api-keys/api-keys.service.js";
import { createProvisioningService } from "./modules/provisioning/provisioning.service.js";
import { createProvisioningAuth } from "./modules/provisioning/http-auth.js";
import { createCiscoProvisioning } from "./vendors/cisco/cisco-provisioning.js";
import { yealinkProvisioning } from "./vendors/yealink/yealink-provisioning.js";
import { fanvilProvisioning } from "./vendors/fanvil/fanvil-provisioning.js";
import { grandstreamProvisioning } from "./vendors/grandstream/grandstream-provisioning.js";
import { snomProvisioning } from "./vendors/snom/snom-provisioning.js";
import { polycomProvisioning } from "./vendors/polycom/polycom-provisioning.js";

/** The composition root: every service built once, from config and the database, passed down explicitly. */
export function createDeps(config: Config, db: Db, options: { log: Logger; clock?: Clock | undefined }) {
  const { log } = options;
  const clock = options.clock ?? systemClock;
  const healthRepo = createHealthRepository(db.kysely);
  // Background work has no caller to fail to: its failures are logged and land on the dashboard.
  const reportFailure = createFailureReporter({ repo: healthRepo, log: log.child({ module: "health" }), clock });
  // Work that must outlive the server that started it (deploys, mail, SMS), and the outbox's leases.
  const leaseMs = config.jobs.lease_seconds * 1000;
  const backoffMs = (attempt: number) =>
    Math.min(config.jobs.max_backoff_seconds, config.jobs.backoff_seconds * 2 ** (attempt - 1)) * 1000;
  const jobs = createJobs({
    repo: createJobsRepository(db.kysely),
    clock,
    log: log.child({ module: "jobs" }),
    leaseMs,
    backoffMs: config.jobs.backoff_seconds * 1000,
    maxBackoffMs: config.jobs.max_backoff_seconds * 1000,
  });
  const secretBox = createSecretBox(config.auth.secretKey);
  const authRepo = createAuthRepository(db.kysely);
  const throttle = createThrottle({ repo: createThrottleRepository(db.kysely), clock });

  const users = createUsersService({
    repo: createUsersRepository(db.kysely),
    clock,
    endSessionsOf: (userId, reason) => auth.endSessionsOf(userId, reason),
    beforeUpdate: (user, patch) => accounts.beforeUserUpdated(user, patch),
    afterUpdate: (user, patch) => accounts.afterUserUpdated(user, patch),
    beforeDelete: (user) => accounts.beforeUserDeleted(user),
  });
  // Security settings live in the database (every server reads them through a cache of at most 2 s).
  const security = createSecuritySettings({
    repo: createSecuritySettingsRepository(db.kysely),
    users,
    clock,
    cacheMs: config.security.settings_cache_ms,
    defaults: {
      allowedNetworks: [],
      trustedProxies: [...config.server.trustedProxies],
      adminEmails: "",
      apiBasicAuth: false,
      tokenValidityDays: config.auth.refreshTokenTtlDays,
      accessTokenTtlSeconds: config.auth.accessTokenTtlSeconds,
    },
  });
  const securityLog = log.child({ module: "security" });
  const notifySecurity = async (subject: string, text: string) => {
    for (const to of (await security.policy()).emails) {
      await notifications
        .sendMail({ to, subject, text })
        .catch((error: unknown) => securityLog.warn({ err: (error as Error).message }, "security notice not sent"));
    }
  };
  const auth = createAuthService({
    repo: authRepo,
    users,
    accessTokens: createAccessTokens(config.auth.jwtSecret),
    throttle,
    clock,
    security,
    notify: notifySecurity,
    settings: config.auth,
  });
  const passkeys = createPasskeys({
    repo: authRepo,
    auth,
    users,
    security,
    throttle,
    clock,
    notify: notifySecurity,
    rp: {
      id: config.security.rp_id,
      origin: config.security.rp_origin ?? `http://${config.security.rp_id}:${config.server.port}`,
      name: config.security.rp_name,
    },
  });

  // ── Asterisk: AMI (null when [asterisk] ami_host is not set), the outbox and the extensions.
  const a = config.asterisk;
  let amiStatusWrites: Promise<void> = Promise.resolve();
  const amiClient = a.ami_host
    ? createAmiClient({
        host: a.ami_host,
        port: a.ami_port,
        username: a.ami_username ?? "",
        secret: a.ami_secret ?? "",
        timeoutMs: config.restart.timeout_ms,
        // Written one after the other, so an old "down" never lands after a newer "ok".
        onStatus: (ok, error) => {
          amiStatusWrites = amiStatusWrites
            .then(() => health.recordComponent("ami", ok ? "ok" : "down", error))
            .catch((error: unknown) => reportFailure({ source: "component_status", subject: "ami", error }));
        },
      })
    : null;
  const asteriskManager = amiClient ? createAsteriskManager(amiClient) : null;
  const ami: AsteriskPhoneControl | null = amiClient ? createAsteriskPhoneControl(amiClient) : null;
  const sameRealtimeDb = !a.realtime_database_url || a.realtime_database_url === config.server.databaseUrl;
  let realtimeConnection: Promise<Db> | null = null;
  const realtimeDb = () => (realtimeConnection ??= connectDatabase(a.realtime_database_url!)).then((c) => c.kysely);
  const ownDb = async () => db.kysely as RealtimeDb;
  const extensionsRepo = createExtensionsRepository(db.kysely);
  // Asterisk's own default realm, unless [sip] realm/domain say otherwise (extensions and SIP accounts alike).
  const sipRealm =
    (config.sip.realm ?? config.sip.domain) === "localhost" ? "asterisk" : (config.sip.realm ?? config.sip.domain);
  const asteriskSync = createAsteriskSync({
    changes: createAsteriskChangesRepository(db.kysely),
    extensions: extensionsRepo,
    mode: a.mode,
    realtimeDb: a.mode !== "realtime" ? null : sameRealtimeDb ? ownDb : realtimeDb,
    sameDatabase: sameRealtimeDb,
    configDir: a.config_dir ?? null,
    manager: asteriskManager,
    lineOf: (record) => extensions.lineOf(record),
    // The phones' side owns the chan_sccp devices (built below; only called when a change is applied).
    sccpDevices: {
      all: () => sccpDevices.all(),
      byName: (name) => sccpDevices.byName(name),
    },
    clock,
    leaseMs,
    backoffMs,
    log: log.child({ module: "asterisk-sync" }),
    reportFailure,
  });
  const extensions = createExtensionsService({
    repo: extensionsRepo,
    transact: transactor(db.kysely),
    secretBox,
    clock,
    // Asterisk's own default realm, unless [sip] realm/domain say otherwise.
    realm: sipRealm,
    defaultContext: a.default_context,
    sync: asteriskSync,
    registrations:
      a.mode === "realtime"
        ? { kind: "realtime", db: sameRealtimeDb ? ownDb : realtimeDb }
        : asteriskManager
          ? { kind: "ami", manager: asteriskManager }
          : null,
    users,
    reportFailure,
  });
  /** Stops the AMI connection and the realtime pool (main.ts and tests call it on shutdown). */
  const closeAdapters = async () => {
    await amiClient?.close();
    // The last AMI status writes go to the database: they finish before it closes.
    await amiStatusWrites;
    mailer?.close();
    if (realtimeConnection) await (await realtimeConnection).close();
  };

  const health = createHealthService({
    repo: healthRepo,
    log: log.child({ module: "health" }),
    config,
    clock,
    startedAt: clock(),
    counts: {
      users: users.count,
      extensions: extensions.count,
      phones: () => phones.count(),
      profiles: () => profiles.count(),
      contacts: () => directory.count(),
      services: () => services.count(),
    },
    extensionsStatus: extensions.registrationCounts,
    asteriskStatus: async () => ({
      ...(await asteriskSync.stats()),
      recentFailures: await asteriskSync.recentFailures(10),
    }),
    // Built below; only called when the dashboard is read.
    recentDeployments: (limit) => deployments.recent(limit),
    sendFailures: (limit) => notifications.recentFailures(limit),
    fileServing: () => fileStore.serving(),
  });

  // Mail and SMS: sent as jobs (retried with backoff); unconfigured → the send call refuses at once.
  const mailer = config.mail.smtp_url
    ? createSmtpMailer({ url: config.mail.smtp_url, from: config.mail.from, timeoutMs: config.restart.timeout_ms })
    : null;
  const notifications = createNotificationsService({
    jobs,
    mailer,
    sms: config.sms.url
      ? createHttpSms({
          url: config.sms.url,
          method: config.sms.method,
          headers: config.sms.headers,
          bodyTemplate: config.sms.body_template,
          timeoutMs: config.restart.timeout_ms,
        })
      : null,
    maxAttempts: config.jobs.max_attempts,
    recordComponent: (name, status, error) => health.recordComponent(name, status, error),
    log: log.child({ module: "notifications" }),
  });

  const phoneSessions = createPhoneSessionsService({
    repo: createPhoneSessionsRepository(db.kysely),
    clock,
    ttlHours: config.phone_services.session_ttl_hours,
  });

  const phonesRepo = createPhonesRepository(db.kysely);
  const phones = createPhonesService({
    repo: phonesRepo,
    clock,
    secretBox,
    users,
    extensions,
    // Built below; only called when phones are read.
    profileNames: (ids) => profiles.namesOf(ids),
    sccpDeviceChanged: (phoneId, name) => asteriskSync.recordDevice(phoneId, name),
  });
  const firmware = createFirmwareService({ repo: createFirmwareRepository(db.kysely), clock });
  const sccpDevices = createSccpDevices(phonesRepo, extensions);
  const profiles = createProfilesService({
    repo: createProfilesRepository(db.kysely),
    phones,
    lines: createLineSource(extensions),
    firmware,
    users,
    server: {
      asteriskHost: config.asterisk.host,
      sipPort: Number(config.sip.proxy?.split(":")[1] ?? 5060),
      sccpPort: 2000,
      transport: config.sip.transport,
      // Without base_url, assume the phones reach this server on the Asterisk host's address.
      baseUrl: config.phone_services.base_url ?? `http://${config.asterisk.host}:${config.server.port}`,
    },
    // Built below; only asked when a profile is saved or rendered.
    vendors: {
      get all() {
        return vendors.all;
      },
      driverFor: (phone) => vendors.driverFor(phone),
    },
    clock,
  });
  // ── The phones' files: on an FTP server, or (store = "self") in Cisisk's database, served by its own TFTP
  // and HTTP listeners (file-servers.ts) from this chain of sources; the first that has the file answers.
  const pv = config.provisioning;
  const fileStoreRepo = createFileStoreRepository(db.kysely);
  const fileStore = createFileStoreService({
    repo: fileStoreRepo,
    clock,
    settings: {
      store: pv.store,
      directory: path.join(config.server.dataDir, "files"),
      uploadLimitBytes: pv.upload_limit_mb * 1024 * 1024,
    },
  });
  // The /provision files (every brand's driver; Cisco by the phone's current profile) by the same names over TFTP and
  // 6970; the chain applies the allowed networks and counts the misses.
  const provisioningFiles: PhoneFileSource = {
    async lookupFile(request) {
      const answer = await provisioning.lookupFile({ ...request, guardedByCaller: true });
      if (answer.kind === "file")
        return { kind: "file", body: Buffer.from(answer.body), contentType: answer.contentType };
      if (answer.kind === "throttled" || answer.kind === "bad_name") return answer;
      return { kind: "not_found" };
    },
  };
  const phoneFileLookup = createPhoneFileChain({
    // Deployed files first (store = "self"), then uploads, then every brand's /provision files by the same names.
    sources: [fileStore.publishedSource, fileStore.uploadedSource, provisioningFiles],
    throttle,
    missLimitPerMinute: pv.miss_limit_per_minute,
    allowedNetworks: pv.allowed_networks.map(parseNetwork).filter((n): n is Network => n !== null),
  });
  const phoneFiles =
    pv.store === "self"
      ? createPublishedPhoneFiles({ repo: fileStoreRepo, clock })
      : createFtpPhoneFiles({ ...config.ftp, timeoutMs: config.restart.timeout_ms, poolSize: config.ftp.pool_size });
  const r = config.restart;
  const vendors = vendorDrivers([
    createCiscoDriver(
      {
        sipMethod: r.sip_method,
        sipEvent: r.sip_event,
        sipPort: r.sip_port,
        sipTransport: r.sip_transport,
        sccpMethod: r.sccp_method,
        cgiUsername: r.cgi_username,
        cgiPassword: r.cgi_password ?? "",
        cgiPort: r.cgi_port,
        cgiKeyDelayMs: r.cgi_key_delay_ms,
      },
      {
        sip: createSipNotifier({ timeoutMs: r.timeout_ms }),
        cgi: createCgiExecutor({ timeoutMs: r.timeout_ms }),
        ami,
        lineRegistration: (number) => extensions.lineRegistration(number),
      },
      { throttle, attempts: config.auth.loginMaxFailuresPerIp, windowSeconds: config.auth.loginWindowSeconds },
    ),
  ]);
  const deployments = createDeploymentsService({
    repo: createDeploymentsRepository(db.kysely),
    phones,
    profiles,
    phoneSessions,
    files: phoneFiles,
    vendors,
    // With store = "self" there is no FTP server whose health a deploy could tell.
    recordFtp: (ok, error) =>
      pv.store === "self" ? Promise.resolve() : health.recordComponent("ftp", ok ? "ok" : "down", error),
    reportFailure,
    settings: {
      keepBackups: config.ftp.keep_backups,
      concurrency: r.concurrency,
      leaseMs,
    },
    jobs,
    clock,
  });
  const directory = createDirectoryService({
    repo: createDirectoryRepository(db.kysely),
    clock,
    users,
  });
  const services = createServicesService({ repo: createServicesRepository(db.kysely), clock, phones });
  const phoneXml = createPhoneXmlService({
    phones: {
      async findByMac(mac) {
        const p = await phones.findByMac(mac);
        return p ? { id: p.id, mac: p.mac, model: p.model, currentProfileId: p.currentProfileId } : null;
      },
    },
    directory,
    services,
    users,
    sessions: phoneSessions,
    throttle,
    clock,
  });

  // ── SIP accounts (self-service and administration) and the console's API keys.
  const reg = config.registration;
  const accounts = createAccountsService({
    repo: createAccountsRepository(db.kysely),
    users,
    lines: extensions,
    notifications,
    throttle,
    tokens: createAccountTokens(config.auth.jwtSecret, config.auth.accessTokenTtlSeconds),
    secretBox,
    clock,
    pinKey: `${config.auth.secretKey}:account-pin`,
    settings: {
      domain: config.sip.domain,
      realm: sipRealm,
      proxy: config.sip.proxy ?? null,
      transport: config.sip.transport,
      publicUrl:
        reg.public_url ?? config.phone_services.base_url ?? `http://${config.asterisk.host}:${config.server.port}`,
      publicRegistration: reg.public_registration,
      phoneRegistration: reg.phone_registration,
      mailConfigured: Boolean(config.mail.smtp_url),
      smsConfigured: Boolean(config.sms.url),
      provisioningLinkHours: reg.provisioning_link_hours,
      refreshTokenTtlDays: config.auth.refreshTokenTtlDays,
      loginWindowSeconds: config.auth.loginWindowSeconds,
      loginMaxFailuresPerAccount: config.auth.loginMaxFailuresPerAccount,
      loginMaxFailuresPerIp: config.auth.loginMaxFailuresPerIp,
    },
  });
  const apiKeys = createApiKeysService({ repo: createApiKeysRepository(db.kysely), clock });
  // Zero-touch provisioning (issue 11): /provision/<file>, the endpoint manager, vendor reboots.
  const sipNotifier = createSipNotifier({ timeoutMs: r.timeout_ms });
  const provisioning = createProvisioningService({
    phones,
    lines: {
      lineCredentialsByIds: (ids) => extensions.lineCredentialsByIds(ids),
      lineRegistration: (number) => extensions.lineRegistration(number),
    },
    drivers: [
      yealinkProvisioning,
      fanvilProvisioning,
      grandstreamProvisioning,
      snomProvisioning,
      polycomProvisioning,
      createCiscoProvisioning({
        async currentFile(phoneId, maskSecrets) {
          const phone = await phones.get(phoneId);
          if (!phone.currentProfileId) return null;
          if (maskSecrets) return profiles.preview(phone.currentProfileId, phone.id, false);
          return (await profiles.renderForDeploy(await profiles.get(phone.currentProfileId), phone)).xml;
        },
      }),
    ],
    restartByVendorDriver: async (phone, numbers) => {
      const driver = vendors.driverFor(phone);
      if (!driver) return { ok: false, detail: `no vendor driver restarts a ${phone.brand} ${phone.model}` };
      return driver.restart(
        phone,
        numbers.map((number) => ({ number })),
      );
    },
    sip: sipNotifier,
    parseContact: parseContactUri,
    ami,
    throttle,
    clock,
    log: log.child({ module: "provisioning" }),
    config: {
      provisionUrl: (
        pv.provision_url_base ??
        `${config.phone_services.base_url ?? `http://${config.asterisk.host}:${config.server.port}`}/provision`
      ).replace(/\/+$/, ""),
      allowedNetworks: pv.allowed_networks,
      auth: pv.auth,
      username: pv.username ?? null,
      password: pv.password ?? null,
      missLimitPerMinute: pv.miss_limit_per_minute,
      userAgentMacCheck: pv.user_agent_mac_check,
      modelKeys: pv.model_keys,
      sipHost: config.asterisk.host,
      sipPort: Number(config.sip.proxy?.split(":")[1] ?? 5060),
      sipTransport: config.sip.transport,
      restartMethod: r.sip_method,
      restartSipPort: r.sip_port,
    },
  });
  const provisioningAuth = createProvisioningAuth({
    scheme: pv.auth,
    username: pv.username ?? "",
    password: pv.password ?? "",
    secret: `provisioning-nonce:${config.auth.secretKey}`,
  });

  return {
    config,
    db,
    accounts,
    apiKeys,
    provisioning,
    provisioningAuth,
    sipNotifier,
    log,
    clock,
    reportFailure,
    jobs,
    throttle,
    notifications,
    secretBox,
    users,
    auth,
    passkeys,
    security,
    health,
    phoneSessions,
    phones,
    firmware,
    profiles,
    phoneFiles,
    fileStore,
    phoneFileLookup,
    deployments,
    vendors,
    extensions,
    asteriskSync,
    ami,
    closeAdapters,
    directory,
    services,
    phoneXml,
  };
}
export type Deps = ReturnType<typeof createDeps>;
