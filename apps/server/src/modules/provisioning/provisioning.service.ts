import {
  findBrandModel,
  PAGE_SIZE_DEFAULT,
  PAGE_SIZE_MAX,
  type EndpointDevice,
  type EndpointDeviceList,
  type ListEndpointDevicesQuery,
  type Phone,
  type PhoneBrand,
  type ProvisioningFile,
  type ProvisioningSettings,
  type RebootResult,
  modelsOfBrand,
  phoneBrands,
} from "@cisisk/contract";
import type { AsteriskPhoneControl } from "../../adapters/ami/phone-control.js";
import type { SipNotifier } from "../../adapters/sip/sip-notify.js";
import { NotFound, ValidationFailed } from "../../errors.js";
import { inNetworks, parseNetwork, type Network } from "../../lib/ip-networks.js";
import { iso, type Clock } from "../../lib/time.js";
import type { Logger } from "../../logger.js";
import { throttleKey, type Throttle } from "../../throttle/throttle.js";
import type {
  LineRegistry,
  ProvisionAccount,
  ProvisionDevice,
  ProvisioningDriver,
  StepOutcome,
} from "../../vendors/vendor-driver.js";
import type { CreatePhone, PhonesService, ProvisioningPhone, UpdatePhone } from "../phones/phones.service.js";
import { dhcpSnippets } from "./dhcp.js";
import { parseFileName } from "./file-names.js";

/** What a phone-facing transport (HTTP /provision, TFTP, Cisco's HTTP 6970) asks for. */
export interface FileRequest {
  fileName: string;
  clientIp: string;
  userAgent?: string | null | undefined;
  /**
   * HTTP only: false when the transport's credentials check (`[provisioning] auth`) failed; counted as a miss.
   * Transports without credentials (TFTP) leave it out.
   */
  credentialsOk?: boolean | undefined;
  /**
   * The file chain that TFTP and HTTP 6970 serve from applies `[provisioning] allowed_networks` and counts misses
   * itself; this lookup then only answers (a miss counted twice would halve the limit).
   */
  guardedByCaller?: boolean | undefined;
}

/** The answer, free of any transport: each transport maps it to its own status (HTTP 200/400/403/404/429). */
export type FileLookup =
  | { kind: "file"; body: Buffer | string; contentType: string; fileName: string }
  | { kind: "not_found" }
  | { kind: "bad_name" }
  | { kind: "throttled"; retryAfterSeconds: number }
  | { kind: "forbidden" }
  | { kind: "unauthorized" };

export interface ProvisioningConfig {
  /** `[provisioning] provision_url_base`, no trailing slash. */
  provisionUrl: string;
  allowedNetworks: readonly string[];
  auth: "none" | "digest" | "basic";
  username: string | null;
  password: string | null;
  missLimitPerMinute: number;
  userAgentMacCheck: boolean;
  /** Extra keys per model: `{ "T46S" = { "key" = "value" } }` or `"yealink:T46S"`. */
  modelKeys: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Where phones register when the device names no server (`[asterisk] host`, `[sip]` port and transport). */
  sipHost: string;
  sipPort: number;
  sipTransport: "udp" | "tcp" | "tls";
  /** `[restart]`: NOTIFY straight to the phone, or through Asterisk (AMI). */
  restartMethod: "notify" | "ami";
  /** Port a NOTIFY goes to when Asterisk cannot say where the phone registered. */
  restartSipPort: number;
}

interface LineCredential {
  number: string;
  displayName: string;
  authUsername: string;
  secret: string;
}

export interface ProvisioningServiceDeps {
  phones: Pick<
    PhonesService,
    "forProvisioning" | "recordProvisioned" | "findByMac" | "list" | "create" | "update" | "delete"
  >;
  lines: {
    lineCredentialsByIds(ids: string[]): Promise<Map<string, LineCredential>>;
    lineRegistration: LineRegistry;
  };
  /** One per brand (`driver.vendor` = the phone's brand). */
  drivers: readonly ProvisioningDriver[];
  /** Cisco restarts go through the cisco driver's own restart (SIP NOTIFY, SCCP, CGI). */
  restartByVendorDriver(phone: Phone, lineNumbers: string[]): Promise<StepOutcome>;
  sip: SipNotifier;
  /** A registered contact URI → where a NOTIFY goes; null for what cannot be sent to (TLS, WS). */
  parseContact(uri: string): { host: string; port: number; user: string; transport: "udp" | "tcp" } | null;
  ami: AsteriskPhoneControl | null;
  throttle: Throttle;
  clock: Clock;
  log: Logger;
  config: ProvisioningConfig;
}

const MASK = "********";
/** How often an unchanged fetch (same address and User-Agent) rewrites the phone's last-provisioned fields. */
const RECORD_EVERY_MS = 60_000;
const CACHE_LIMIT = 50_000;
const FLUSH_MS = 500;
const FLUSH_SIZE = 500;

/** `host`, `host:port`, `[v6]:port`, bare IPv6. */
function splitServer(server: string, defaultPort: number): { host: string; port: number } {
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(server);
  if (v6) return { host: v6[1]!, port: v6[2] ? Number(v6[2]) : defaultPort };
  const parts = server.split(":");
  if (parts.length === 2) return { host: parts[0]!, port: Number(parts[1]) };
  return { host: server, port: defaultPort };
}

export function createProvisioningService(deps: ProvisioningServiceDeps) {
  const { config, phones, throttle, clock, log } = deps;
  const networks: Network[] = config.allowedNetworks.map((n) => {
    const parsed = parseNetwork(n);
    if (!parsed) throw new Error(`[provisioning] allowed_networks: not a CIDR range: ${n}`);
    return parsed;
  });
  const driverOf = (brand: string) => deps.drivers.find((d) => d.vendor === brand) ?? null;
  const missRule = (ip: string) => ({
    key: throttleKey("provision-miss", ip),
    limit: config.missLimitPerMinute,
    windowSeconds: 60,
  });
  /**
   * Rendered files by MAC, valid while the row (and its lines' credentials) read now is the one they came from.
   * Text, not bytes: Node writes a string body in one piece with the response head (a Buffer is a second one).
   */
  const cache = new Map<string, { stamp: string; body: string }>();

  function modelKeys(brand: string, model: string): Record<string, string> {
    return { ...config.modelKeys[model], ...config.modelKeys[`${brand}:${model}`] };
  }

  function capacityOf(brand: string, model: string): number {
    return findBrandModel(brand, model)?.accounts ?? 1;
  }

  /**
   * Everything of the row the file depends on, as read now (a re-sealed password has a new ciphertext, so
   * any change made on any server changes the stamp); linked lines add their credentials.
   */
  function stampOf(phone: ProvisioningPhone): string {
    return [
      phone.updatedAt,
      phone.brand,
      phone.model,
      phone.label,
      phone.sipUsername,
      phone.sipPasswordSealed,
      phone.sipServer,
      phone.transport,
      JSON.stringify(phone.extraKeys),
    ].join("\u0000");
  }

  /** The device's accounts: explicit credentials are account 1, linked extensions fill their buttons. */
  async function deviceOf(
    phone: ProvisioningPhone,
    mask: boolean,
  ): Promise<{ device: ProvisionDevice; stamp: string }> {
    const capacity = capacityOf(phone.brand, phone.model);
    const server = splitServer(phone.sipServer ?? config.sipHost, config.sipPort);
    const transport = (phone.transport as ProvisionAccount["transport"] | null) ?? config.sipTransport;
    const accounts: ProvisionAccount[] = [];
    const base = { host: server.host, port: server.port, transport };
    if (phone.sipUsername)
      accounts.push({
        ...base,
        index: 1,
        username: phone.sipUsername,
        authName: phone.sipUsername,
        password: mask ? MASK : (phone.sipPassword() ?? ""),
        displayName: phone.label ?? phone.sipUsername,
        label: phone.sipUsername,
      });
    const links = phone.lines.filter((l) => l.button <= capacity && !(phone.sipUsername && l.button === 1));
    let credentials = "";
    if (links.length > 0) {
      const found = await deps.lines.lineCredentialsByIds(links.map((l) => l.extensionId));
      for (const l of links) {
        const c = found.get(l.extensionId);
        if (!c) continue;
        credentials += `|${l.button}:${c.number}:${c.authUsername}:${c.displayName}:${c.secret}`;
        accounts.push({
          ...base,
          index: l.button,
          username: c.number,
          authName: c.authUsername,
          password: mask ? MASK : c.secret,
          displayName: c.displayName || c.number,
          label: c.number,
        });
      }
    }
    accounts.sort((a, b) => a.index - b.index);
    const device: ProvisionDevice = {
      id: phone.id,
      mac: phone.mac,
      model: phone.model,
      label: phone.label,
      accounts,
      capacity,
      extraKeys: { ...modelKeys(phone.brand, phone.model), ...phone.extraKeys },
      provisionUrl: config.provisionUrl,
      maskSecrets: mask,
    };
    return { device, stamp: stampOf(phone) + credentials };
  }

  function missOf(request: FileRequest): Promise<FileLookup> {
    return request.guardedByCaller ? Promise.resolve({ kind: "not_found" }) : miss(request.clientIp);
  }

  async function miss(ip: string): Promise<FileLookup> {
    const verdict = await throttle.attempt([missRule(ip)]);
    if (!verdict.ok) return { kind: "throttled", retryAfterSeconds: verdict.retryAfterSeconds };
    return { kind: "not_found" };
  }

  // Hits are written behind, in batches: in a storm every fetch is a phone's first, and one write per request
  // would make the database the bottleneck. At most FLUSH_MS of records are lost if the process dies.
  const pending = new Map<string, { id: string; at: string; ip: string; userAgent: string | null }>();
  let flushTimer: NodeJS.Timeout | null = null;
  let flushing: Promise<void> = Promise.resolve();

  function flush(): Promise<void> {
    if (flushTimer) clearTimeout(flushTimer);
    flushTimer = null;
    if (pending.size === 0) return flushing;
    const batch = [...pending.values()];
    pending.clear();
    flushing = flushing
      .then(() => phones.recordProvisioned(batch))
      .catch((error: unknown) => log.warn({ err: error, hits: batch.length }, "provisioning hits not recorded"));
    return flushing;
  }

  const logHits = log.isLevelEnabled("info");

  function record(phone: ProvisioningPhone, request: FileRequest, fileName: string): void {
    const ua = request.userAgent ? request.userAgent.slice(0, 255) : null;
    if (logHits)
      log.info({ mac: phone.mac, file: fileName, ip: request.clientIp, userAgent: ua }, "provisioning file served");
    const last = phone.provisionedAt ? Date.parse(phone.provisionedAt) : 0;
    const now = clock();
    if (
      phone.provisionedIp === request.clientIp &&
      phone.provisionedUserAgent === ua &&
      now.getTime() - last < RECORD_EVERY_MS
    )
      return;
    pending.set(phone.id, { id: phone.id, at: iso(now), ip: request.clientIp, userAgent: ua });
    if (pending.size >= FLUSH_SIZE) void flush();
    else flushTimer ??= setTimeout(() => void flush(), FLUSH_MS);
  }

  function toDevice(p: Phone): EndpointDevice {
    const driver = driverOf(p.brand);
    return {
      id: p.id,
      mac: p.mac,
      brand: p.brand,
      model: p.model,
      label: p.label,
      username: p.sipUsername,
      hasPassword: p.hasSipPassword,
      server: p.sipServer,
      extensionId: p.lines.find((l) => l.button === 1)?.extensionId ?? null,
      enabled: p.enabled,
      transport: p.transport,
      accounts: capacityOf(p.brand, p.model),
      extraKeys: p.extraKeys,
      fileName: driver ? driver.deviceFile(p.mac) : `${p.mac.toLowerCase()}.cfg`,
      provisionedAt: p.provisionedAt,
      provisionedIp: p.provisionedIp,
      provisionedUserAgent: p.provisionedUserAgent,
      updatedAt: p.updatedAt,
    };
  }

  async function phoneOrThrow(mac: string): Promise<Phone> {
    const phone = await phones.findByMac(mac);
    if (!phone) throw new NotFound("device", { mac });
    return phone;
  }

  interface DeviceInput {
    mac?: string | undefined;
    brand?: PhoneBrand | undefined;
    model?: string | undefined;
    label?: string | null | undefined;
    username?: string | null | undefined;
    password?: string | null | undefined;
    server?: string | null | undefined;
    extensionId?: string | null | undefined;
    enabled?: boolean | undefined;
    transport?: "udp" | "tcp" | "tls" | null | undefined;
    extraKeys?: Record<string, string> | undefined;
  }

  function phoneFields(input: DeviceInput): UpdatePhone {
    return {
      ...(input.mac !== undefined && { mac: input.mac }),
      ...(input.brand !== undefined && { brand: input.brand }),
      ...(input.model !== undefined && { model: input.model }),
      ...(input.label !== undefined && { label: input.label }),
      ...(input.username !== undefined && { sipUsername: input.username }),
      ...(input.password !== undefined && { sipPassword: input.password }),
      ...(input.server !== undefined && { sipServer: input.server }),
      ...(input.enabled !== undefined && { enabled: input.enabled }),
      ...(input.transport !== undefined && { transport: input.transport }),
      ...(input.extraKeys !== undefined && { extraKeys: input.extraKeys }),
    };
  }

  function checkAccountOne(username: string | null | undefined, extensionId: string | null | undefined) {
    if (username && extensionId)
      throw new ValidationFailed("account 1 is either explicit credentials or a linked extension, not both", [
        { path: "body.extensionId", message: "leave out when username is set" },
      ]);
  }

  return {
    /** Writes the hits not yet recorded (tests, shutdown). */
    flushHits: flush,

    /**
     * The one lookup behind every phone-facing transport: allowed networks, the per-address miss limit, the
     * name, the device, the User-Agent's MAC, then the file (rendered once per version of the row).
     */
    async lookupFile(request: FileRequest): Promise<FileLookup> {
      if (!request.guardedByCaller) {
        if (networks.length > 0 && !inNetworks(request.clientIp, networks)) return { kind: "forbidden" };
        // Read only for addresses that missed here lately: a storm's hits cost no throttle read.
        const refused = await throttle.refusalIfCountedHere(missRule(request.clientIp));
        if (refused) return { kind: "throttled", retryAfterSeconds: refused.retryAfterSeconds };
      }
      if (request.credentialsOk === false) {
        const counted = await miss(request.clientIp);
        return counted.kind === "throttled" ? counted : { kind: "unauthorized" };
      }
      const parsed = parseFileName(request.fileName, deps.drivers);
      if (parsed.kind === "bad") return { kind: "bad_name" };
      if (parsed.kind === "vendor" && parsed.match.kind === "common") {
        const body = parsed.driver.renderCommon?.(parsed.match.code, {
          provisionUrl: config.provisionUrl,
          username: config.auth === "none" ? null : config.username,
          password: config.auth === "none" ? null : config.password,
        });
        if (!body) return missOf(request);
        return { kind: "file", body, contentType: parsed.driver.contentType, fileName: request.fileName };
      }
      // Asked for first, served by no one (Grandstream's binary `cfg<mac>`): not a miss, the phone goes on.
      if (parsed.kind === "vendor" && parsed.match.kind === "absent") return { kind: "not_found" };
      const mac = parsed.kind === "generic" ? parsed.mac : "mac" in parsed.match ? parsed.match.mac : "";
      const phone = await phones.forProvisioning(mac);
      if (!phone || !phone.enabled) return missOf(request);
      const driver = driverOf(phone.brand);
      if (!driver) return missOf(request);
      // A Yealink's file under a Cisco name (or the reverse), a Snom's `.cfg`: no file of this phone.
      const file =
        parsed.kind === "generic"
          ? driver.genericFile(parsed.ext)
          : parsed.driver === driver
            ? parsed.match.kind
            : null;
      if (file !== "device" && file !== "master") return missOf(request);
      if (config.userAgentMacCheck && request.userAgent) {
        const uaMac = driver.userAgentMac(request.userAgent);
        if (uaMac && uaMac !== phone.mac) return missOf(request);
      }
      if (file === "master") {
        if (!driver.renderMaster) return missOf(request);
        const { device } = await deviceOf(phone, true);
        record(phone, request, request.fileName);
        return {
          kind: "file",
          body: driver.renderMaster(device),
          contentType: driver.contentType,
          fileName: request.fileName,
        };
      }
      // Cached by MAC while the row is the one the file came from; phones with linked extensions re-read them.
      const cacheable = driver.vendor !== "cisco";
      const cached = cacheable && phone.lines.length === 0 ? cache.get(mac) : undefined;
      let body: string | null;
      if (cached && cached.stamp === stampOf(phone)) body = cached.body;
      else {
        const { device, stamp } = await deviceOf(phone, false);
        body = await driver.renderDevice(device);
        if (body !== null && cacheable) {
          if (cache.size >= CACHE_LIMIT) cache.clear();
          cache.set(mac, { stamp, body });
        }
      }
      if (body === null) return missOf(request);
      record(phone, request, request.fileName);
      return { kind: "file", body, contentType: driver.contentType, fileName: request.fileName };
    },

    /** The exact file the phone gets (passwords masked unless asked for). */
    async preview(mac: string, showSecrets: boolean): Promise<ProvisioningFile> {
      const phone = await phones.forProvisioning(mac);
      if (!phone) throw new NotFound("device", { mac });
      const driver = driverOf(phone.brand);
      if (!driver) throw new NotFound("provisioning driver", { brand: phone.brand });
      const { device } = await deviceOf(phone, !showSecrets);
      const body = await driver.renderDevice(device);
      if (body === null) throw new NotFound("file: the phone has no current profile to render its file from", { mac });
      return { fileName: driver.deviceFile(phone.mac), contentType: driver.contentType, body };
    },

    /**
     * One page of devices (the phones list's paging) when the request pages; otherwise every device, the
     * seed's `{data, total}`, read a page at a time by cursor so rows added meanwhile are neither doubled nor lost.
     */
    async listDevices(q: ListEndpointDevicesQuery): Promise<EndpointDeviceList> {
      const { page, pageSize, cursor, ...filters } = q;
      if (page !== undefined || pageSize !== undefined || cursor !== undefined) {
        const r = await phones.list({ ...filters, page: page ?? 1, pageSize: pageSize ?? PAGE_SIZE_DEFAULT, cursor });
        return { ...r, data: r.data.map(toDevice) };
      }
      const data: EndpointDevice[] = [];
      let next: string | undefined;
      do {
        const r = await phones.list({ ...filters, page: 1, pageSize: PAGE_SIZE_MAX, cursor: next });
        data.push(...r.data.map(toDevice));
        next = r.nextCursor ?? undefined;
      } while (next);
      return { data, total: data.length };
    },

    async getDevice(mac: string): Promise<EndpointDevice> {
      return toDevice(await phoneOrThrow(mac));
    },

    async addDevice(input: DeviceInput & { mac: string; brand: PhoneBrand; model: string }): Promise<EndpointDevice> {
      checkAccountOne(input.username, input.extensionId);
      const create: CreatePhone = {
        mac: input.mac,
        brand: input.brand,
        model: input.model,
        softwareType: input.brand === "cisco" ? "SIP" : null,
        ip: null,
        location: null,
        label: input.label ?? null,
        userId: null,
        lines: input.extensionId ? [{ button: 1, extensionId: input.extensionId }] : [],
        ...phoneFields(input),
      } as CreatePhone;
      return toDevice(await phones.create(create));
    },

    async editDevice(mac: string, input: DeviceInput): Promise<EndpointDevice> {
      const phone = await phoneOrThrow(mac);
      const username = input.username !== undefined ? input.username : phone.sipUsername;
      const current = phone.lines.find((l) => l.button === 1)?.extensionId ?? null;
      const extensionId = input.extensionId !== undefined ? input.extensionId : current;
      checkAccountOne(username, extensionId);
      const patch = phoneFields(input);
      if (input.extensionId !== undefined)
        patch.lines = [
          ...phone.lines.filter((l) => l.button !== 1),
          ...(input.extensionId ? [{ button: 1, extensionId: input.extensionId }] : []),
        ];
      if (input.brand !== undefined && input.brand !== phone.brand && input.brand !== "cisco" && phone.softwareType)
        patch.softwareType = null;
      return toDevice(await phones.update(phone.id, patch));
    },

    async deleteDevice(mac: string): Promise<void> {
      const phone = await phoneOrThrow(mac);
      await phones.delete(phone.id);
      cache.delete(phone.mac);
    },

    /**
     * Reboot (or resync) with the vendor's NOTIFY to where account 1 is registered (Asterisk says), else to
     * the phone's last known address; through Asterisk (AMI PJSIPNotify) when `[restart] sip_method = "ami"`.
     * A timeout or a refusal is a failure, never a success.
     */
    async reboot(mac: string, mode: "reboot" | "resync"): Promise<RebootResult> {
      await flush(); // this server's latest fetches: the address the phone last fetched from
      const phone = await phoneOrThrow(mac);
      const driver = driverOf(phone.brand);
      const credentials = phone.lines.length
        ? await deps.lines.lineCredentialsByIds(phone.lines.map((l) => l.extensionId))
        : new Map<string, LineCredential>();
      const numbers = [...phone.lines]
        .sort((a, b) => a.button - b.button)
        .flatMap((l) => (credentials.get(l.extensionId) ? [credentials.get(l.extensionId)!.number] : []));
      const event = driver?.notifyEvent(mode) ?? null;
      if (!event) {
        const r = await deps.restartByVendorDriver(phone, numbers);
        return { ok: r.ok, mode, event: "vendor restart", detail: r.detail };
      }
      const account = phone.sipUsername ?? numbers[0] ?? null;
      const registration = account ? await deps.lines.lineRegistration(account) : null;
      const contacts = registration?.contacts ?? [];
      const contact = contacts.find((c) => c.ip && c.ip === (phone.ip ?? phone.provisionedIp)) ?? contacts[0];
      if (config.restartMethod === "ami") {
        if (!deps.ami) return { ok: false, mode, event, detail: "sip_method is ami but AMI is not configured" };
        if (!account) return { ok: false, mode, event, detail: "the device has no account for Asterisk to notify" };
        if (registration && !contact)
          return { ok: false, mode, event, detail: `account ${account} is not registered with Asterisk` };
        try {
          await deps.ami.pjsipNotify(account, [["Event", event]]);
        } catch (error) {
          return { ok: false, mode, event, detail: `PJSIPNotify ${account}: ${(error as Error).message}` };
        }
        return { ok: true, mode, event, detail: `PJSIPNotify ${account} queued by Asterisk` };
      }
      const target = contact ? deps.parseContact(contact.uri) : null;
      if (contact && !target)
        return { ok: false, mode, event, detail: `cannot send a NOTIFY to ${contact.uri} (only UDP and TCP)` };
      const ip = phone.ip ?? phone.provisionedIp;
      if (!target && !ip)
        return { ok: false, mode, event, detail: "the device is not registered and has no known address" };
      const to = target ?? { host: ip!, port: config.restartSipPort, user: account ?? "", transport: "udp" as const };
      const r = await deps.sip.notify({ ...to, user: to.user || account || phone.mac.toLowerCase(), event });
      const where = target ? `registered contact ${contact!.uri}` : `${to.host}:${to.port}`;
      return { ok: r.ok, mode, event, detail: `NOTIFY ${event} to ${where}: ${r.detail}` };
    },

    settings(): ProvisioningSettings {
      const brands = phoneBrands.map((brand) => ({
        brand,
        models: modelsOfBrand(brand).map(({ model, accounts }) => ({ model, accounts })),
      }));
      return {
        provisionUrlBase: config.provisionUrl,
        allowedNetworks: [...config.allowedNetworks],
        auth: config.auth,
        username: config.auth === "none" ? null : config.username,
        missLimitPerMinute: config.missLimitPerMinute,
        userAgentMacCheck: config.userAgentMacCheck,
        brands,
        dhcp: dhcpSnippets(config.provisionUrl),
      };
    },
  };
}
export type ProvisioningService = ReturnType<typeof createProvisioningService>;
