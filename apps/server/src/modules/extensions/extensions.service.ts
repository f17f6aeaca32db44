import { createHash } from "node:crypto";
import {
  pjsipOptionsSchema,
  sccpOptionsSchema,
  sipOptionsSchema,
  type CreateExtension,
  type Extension,
  type ExtensionTechnology,
  type ListResponse,
  type PjsipOptions,
  type Registration,
  type SccpOptions,
  type SipOptions,
  type UpdateExtension,
} from "@cisisk/contract";
import type { AsteriskManager, Technology } from "../../adapters/ami/asterisk-manager.js";
import type { AsteriskLine } from "../../adapters/asterisk/asterisk-line.js";
import {
  realtimeContacts,
  realtimeSipRegistrations,
  removeRealtimeContact,
  type RealtimeContact,
  type RealtimeDb,
} from "../../adapters/asterisk/realtime-writer.js";
import type { Transact, TxHandle } from "../../db/transaction.js";
import { Conflict, NotFound, ValidationFailed } from "../../errors.js";
import { createBatchLoader } from "../../lib/batch-loader.js";
import { generatePassword, newId } from "../../lib/ids.js";
import type { SecretBox } from "../../lib/secret-box.js";
import { iso, type Clock } from "../../lib/time.js";
import type { ReportFailure } from "../health/failures.js";
import type { AsteriskSync, ChangeState } from "./asterisk-sync.service.js";
import {
  createExtensionsRepository,
  type ExtensionRecord,
  type ExtensionsRepository,
  type ExtensionWrite,
  type ListExtensionsQuery,
} from "./extensions.repository.js";

/** What extensions need from the users module (the users service implements it). */
export interface ExtensionOwners {
  exists(id: string): Promise<boolean>;
  usernamesOf(ids: string[]): Promise<Map<string, string>>;
  idsMatchingUsername(q: string): Promise<string[]>;
  idByUsername(username: string): Promise<string | undefined>;
}

export interface ExtensionsServiceDeps {
  repo: ExtensionsRepository;
  transact: Transact;
  secretBox: SecretBox;
  clock: Clock;
  realm: string;
  defaultContext: string;
  sync: AsteriskSync;
  /** Where registrations come from: AMI (PJSIPShowContacts), Asterisk's ps_contacts, or nowhere. */
  registrations: { kind: "ami"; manager: AsteriskManager } | { kind: "realtime"; db: () => Promise<RealtimeDb> } | null;
  users: ExtensionOwners;
  /** The outbox is applied right after a write; a failure there must not fail the write, but is shown. */
  reportFailure: ReportFailure;
}

/** A line of a user, with the secret in clear, for the phone-profile renderer. */
export interface LineCredentials {
  extensionId: string;
  number: string;
  technology: ExtensionTechnology;
  displayName: string;
  authUsername: string;
  secret: string;
  realm: string;
  context: string;
  transport: string | null;
  voicemail: string | null;
}

type Contact = Registration["contacts"][number] & { callId: string | null; contactId?: string | null };

/** Where one line is registered now, as Asterisk says (restarts send to these contacts). */
export interface LineRegistration {
  technology: ExtensionTechnology;
  state: "registered" | "unregistered";
  contacts: Array<{ uri: string; ip: string | null; callId: string | null }>;
}
type Registrations = { map: Map<string, Contact[]>; known: Set<ExtensionTechnology> };
const optionSchemas = { SCCP: sccpOptionsSchema, SIP: sipOptionsSchema, PJSIP: pjsipOptionsSchema } as const;
const optionKey = { SCCP: "sccp", SIP: "sip", PJSIP: "pjsip" } as const;

/**
 * chan_sip's `transport=` (protocols) and PJSIP's `transport=` (a transport section) are different things,
 * so each lives in its technology's options (0009); the `transport` column is no longer written.
 */
function transportOf(technology: ExtensionTechnology, options: unknown): string | null {
  if (technology === "SCCP") return null;
  return (options as { transport?: string | null }).transport ?? null;
}

/** A registered contact's id in the account panel: stable for its URI, and no Asterisk internals. */
const deviceId = (uri: string) => createHash("sha256").update(uri).digest("hex").slice(0, 16);

export const ha1 = (algorithm: "md5" | "sha256", user: string, realm: string, secret: string) =>
  createHash(algorithm).update(`${user}:${realm}:${secret}`).digest("hex");

export function createExtensionsService(deps: ExtensionsServiceDeps) {
  const { repo, secretBox, clock, sync } = deps;

  function lineOf(r: ExtensionRecord): AsteriskLine {
    const opts = optionSchemas[r.technology].parse(r.options);
    return {
      number: r.number,
      technology: r.technology,
      displayName: r.displayName,
      context: r.context,
      secret: () => secretBox.open(r.secretSealed),
      ha1Md5: r.ha1Md5,
      realm: deps.realm,
      voicemail: r.voicemail,
      codecs: r.codecs,
      transport: transportOf(r.technology, opts),
      sccp: r.technology === "SCCP" ? (opts as SccpOptions) : null,
      sip: r.technology === "SIP" ? (opts as SipOptions) : null,
      pjsip: r.technology === "PJSIP" ? (opts as PjsipOptions) : null,
    };
  }

  function credentials(number: string, secret: string) {
    return {
      secretSealed: secretBox.seal(secret),
      ha1Md5: ha1("md5", number, deps.realm, secret),
      ha1Sha256: ha1("sha256", number, deps.realm, secret),
    };
  }

  /** Where each of `numbers` is registered (see `lineRegistration`): one read of the lines, one of Asterisk. */
  async function lineRegistrations(numbers: string[]): Promise<Map<string, LineRegistration | null>> {
    const found = new Map<string, LineRegistration | null>(numbers.map((n) => [n, null]));
    // Without a source of registrations there is nothing to look the lines up for.
    if (!deps.registrations) return found;
    const [records, contacts] = await Promise.all([repo.findManyByNumbers(numbers), contactsByEndpoint()]);
    if (!contacts) return found;
    for (const r of records) {
      if (!contacts.known.has(r.technology)) continue;
      const mine = contacts.map.get(`${r.technology}:${r.number}`) ?? [];
      found.set(r.number, {
        technology: r.technology,
        state: mine.length > 0 ? "registered" : "unregistered",
        contacts: mine.map((c) => ({ uri: c.uri, ip: c.ip, callId: c.callId })),
      });
    }
    return found;
  }
  // One batch at a time: lookups asked for while one runs wait for it, then go together.
  const lookUpRegistration = createBatchLoader(lineRegistrations, { maxBatch: 500, maxInFlight: 1 });

  async function assertUser(userId: string | null) {
    if (userId && !(await deps.users.exists(userId))) {
      throw new ValidationFailed("no user has this id", [{ path: "body.userId", message: "no user has this id" }]);
    }
  }

  /**
   * Registered contacts keyed `TECH:number`, and the technologies Asterisk could be asked about (PJSIP
   * from PJSIPShowContacts or ps_contacts, SIP from SIPpeers or sippeers); null when it cannot be asked.
   */
  async function contactsByEndpoint(): Promise<Registrations | null> {
    const source = deps.registrations;
    if (!source) return null;
    const map = new Map<string, Contact[]>();
    const known = new Set<ExtensionTechnology>();
    const add = (tech: ExtensionTechnology, endpoint: string, contact: Contact) =>
      map.set(`${tech}:${endpoint}`, [...(map.get(`${tech}:${endpoint}`) ?? []), contact]);
    try {
      if (source.kind === "ami") {
        for (const c of await source.manager.pjsipContacts()) {
          add("PJSIP", c.endpoint || c.aor, {
            contactId: c.id,
            uri: c.uri,
            userAgent: c.userAgent,
            ip: c.viaAddr,
            callId: c.callId,
            status: c.status,
            expiresAt: c.expiresAt,
          });
        }
        known.add("PJSIP");
        const peers = await source.manager.sipPeers().catch(() => null);
        if (peers) {
          known.add("SIP");
          for (const p of peers.filter((x) => x.ip)) {
            add("SIP", p.name, {
              uri: `sip:${p.name}@${p.ip}`,
              userAgent: null,
              ip: p.ip,
              status: p.status,
              expiresAt: null,
              callId: null,
            });
          }
        }
      } else {
        // Realtime rows carry the same fields for PJSIP (ps_contacts) and chan_sip (sippeers).
        const fromRealtime = (tech: ExtensionTechnology, rows: RealtimeContact[]) => {
          for (const c of rows)
            add(tech, c.endpoint, {
              contactId: c.id ?? null,
              uri: c.uri,
              userAgent: c.userAgent,
              ip: c.viaAddr,
              callId: c.callId,
              status: null,
              expiresAt: c.expiresAt,
            });
          known.add(tech);
        };
        const db = await source.db();
        fromRealtime("PJSIP", await realtimeContacts(db));
        const sip = await realtimeSipRegistrations(db).catch(() => null);
        if (sip) fromRealtime("SIP", sip);
      }
      return { map, known };
    } catch {
      return null;
    }
  }

  function registrationOf(r: ExtensionRecord, contacts: Registrations | null): Registration {
    if (!contacts || !contacts.known.has(r.technology)) return { state: "unknown", contacts: [] };
    const mine = contacts.map.get(`${r.technology}:${r.number}`) ?? [];
    // The REGISTER's Call-ID is for restarts only, never shown.
    return {
      state: mine.length > 0 ? "registered" : "unregistered",
      contacts: mine.map(({ callId: _callId, contactId: _id, ...c }) => c),
    };
  }

  function toDto(
    r: ExtensionRecord,
    usernames: Map<string, string>,
    contacts: Registrations | null,
    state: ChangeState | undefined,
  ): Extension {
    const opts = optionSchemas[r.technology].parse(r.options);
    return {
      id: r.id,
      number: r.number,
      technology: r.technology,
      displayName: r.displayName,
      userId: r.userId,
      username: (r.userId && usernames.get(r.userId)) ?? null,
      context: r.context,
      voicemail: r.voicemail,
      codecs: r.codecs,
      sccp: r.technology === "SCCP" ? (opts as SccpOptions) : null,
      sip: r.technology === "SIP" ? (opts as SipOptions) : null,
      pjsip: r.technology === "PJSIP" ? (opts as PjsipOptions) : null,
      registration: registrationOf(r, contacts),
      asterisk: state ?? { status: "none", lastError: null, attempts: 0 },
      createdAt: r.createdAt,
      updatedAt: r.updatedAt,
    };
  }

  async function getRecord(id: string): Promise<ExtensionRecord> {
    const r = await repo.findById(id);
    if (!r) throw new NotFound("extension", { id });
    return r;
  }

  async function dtoOf(id: string): Promise<Extension> {
    const r = await getRecord(id);
    const [usernames, contacts, states] = await Promise.all([
      deps.users.usernamesOf(r.userId ? [r.userId] : []),
      contactsByEndpoint(),
      sync.statesOf([id]),
    ]);
    return toDto(r, usernames, contacts, states.get(id));
  }

  /** Writes our row and its Asterisk change in one transaction, then tries to apply the change at once. */
  async function write(
    fn: (trx: TxHandle) => Promise<{
      id: string;
      number: string;
      previousNumber: string | null;
      techs: Technology[];
      op: "upsert" | "delete";
    }>,
  ) {
    const result = await deps.transact(async (trx) => {
      const change = await fn(trx);
      const current = change.op === "delete" ? undefined : await createExtensionsRepository(trx).findById(change.id);
      await sync.record(
        trx,
        {
          extensionId: change.id,
          number: change.number,
          previousNumber: change.previousNumber,
          technologies: change.techs,
          operation: change.op,
        },
        current,
      );
      return change;
    });
    await sync
      .processPending()
      .catch((error: unknown) => deps.reportFailure({ source: "asterisk_sync", subject: "outbox", error }));
    return result;
  }

  function writeOf(input: CreateExtension, secret: string): ExtensionWrite {
    const key = optionKey[input.technology];
    return {
      number: input.number,
      technology: input.technology,
      displayName: input.displayName,
      userId: input.userId,
      context: input.context ?? deps.defaultContext,
      ...credentials(input.number, secret),
      voicemail: input.voicemail ?? null,
      codecs: input.codecs ?? null,
      transport: null,
      options: (input as Record<string, unknown>)[key] as Record<string, unknown>,
    };
  }

  function credentialsOf(r: ExtensionRecord): LineCredentials {
    return {
      extensionId: r.id,
      number: r.number,
      technology: r.technology,
      displayName: r.displayName,
      authUsername: r.number,
      secret: secretBox.open(r.secretSealed),
      realm: deps.realm,
      context: r.context,
      transport: transportOf(r.technology, optionSchemas[r.technology].parse(r.options)),
      voicemail: r.voicemail,
    };
  }

  const service = {
    async list(q: ListExtensionsQuery): Promise<ListResponse<Extension>> {
      const { rows, total, page, nextCursor } = await repo.list(
        q,
        q.q ? await deps.users.idsMatchingUsername(q.q) : [],
      );
      const owners = rows.flatMap((r) => (r.userId ? [r.userId] : []));
      const [usernames, contacts, states] = await Promise.all([
        deps.users.usernamesOf(owners),
        contactsByEndpoint(),
        sync.statesOf(rows.map((r) => r.id)),
      ]);
      return {
        data: rows.map((r) => toDto(r, usernames, contacts, states.get(r.id))),
        total,
        page,
        pageSize: q.pageSize,
        nextCursor,
      };
    },

    get: dtoOf,

    async create(input: CreateExtension): Promise<Extension> {
      await assertUser(input.userId);
      const id = newId();
      const secret = input.secret ?? generatePassword(20);
      await write(async (trx) => {
        await createExtensionsRepository(trx).insert(id, writeOf(input, secret), iso(clock()));
        return { id, number: input.number, previousNumber: null, techs: [input.technology], op: "upsert" };
      });
      return dtoOf(id);
    },

    async update(id: string, patch: UpdateExtension): Promise<Extension> {
      const r = await getRecord(id);
      const technology = patch.technology ?? r.technology;
      const key = optionKey[technology];
      for (const other of ["sccp", "sip", "pjsip"] as const) {
        if (other !== key && patch[other] !== undefined) {
          throw new ValidationFailed(`${other} options do not apply to a ${technology} extension`, [
            { path: `body.${other}`, message: `not a ${technology} extension` },
          ]);
        }
      }
      if (patch.userId !== undefined) await assertUser(patch.userId);
      const number = patch.number ?? r.number;
      const keepSecret = patch.secret === undefined;
      const secret = keepSecret ? secretBox.open(r.secretSealed) : patch.secret!;
      const options =
        patch[key] ??
        (technology === r.technology
          ? optionSchemas[technology].parse(r.options)
          : optionSchemas[technology].parse({}));
      const w: ExtensionWrite = {
        number,
        technology,
        displayName: patch.displayName ?? r.displayName,
        userId: patch.userId !== undefined ? patch.userId : r.userId,
        context: patch.context ?? r.context,
        // The digests depend on the number (the auth username): recompute when it changes.
        ...(keepSecret && number === r.number
          ? { secretSealed: r.secretSealed, ha1Md5: r.ha1Md5, ha1Sha256: r.ha1Sha256 }
          : credentials(number, secret)),
        voicemail: patch.voicemail !== undefined ? patch.voicemail : r.voicemail,
        codecs: patch.codecs !== undefined ? patch.codecs : r.codecs,
        transport: null,
        options: options as Record<string, unknown>,
      };
      await write(async (trx) => {
        await createExtensionsRepository(trx).update(id, w, iso(clock()));
        return {
          id,
          number,
          previousNumber: number !== r.number ? r.number : null,
          techs: technology !== r.technology ? [r.technology, technology] : [technology],
          op: "upsert",
        };
      });
      return dtoOf(id);
    },

    async delete(id: string): Promise<void> {
      const r = await getRecord(id);
      await write(async (trx) => {
        if (!(await createExtensionsRepository(trx).delete(id))) throw new NotFound("extension", { id });
        return { id, number: r.number, previousNumber: null, techs: [r.technology], op: "delete" };
      });
    },

    /** All-or-nothing: every row is validated first; nothing is written when one is wrong. */
    async importRows(inputs: CreateExtension[]): Promise<{ created: number }> {
      const ids: string[] = [];
      await deps.transact(async (trx) => {
        const txRepo = createExtensionsRepository(trx);
        const now = iso(clock());
        for (const input of inputs) {
          const id = newId();
          ids.push(id);
          await txRepo.insert(id, writeOf(input, input.secret ?? generatePassword(20)), now);
        }
        // The outbox in a few statements, not one per row: applied after the commit by one render + reload.
        await sync.recordMany(
          trx,
          inputs.map((input, i) => ({
            extensionId: ids[i]!,
            number: input.number,
            previousNumber: null,
            technologies: [input.technology],
            operation: "upsert" as const,
          })),
          (extensionIds) => txRepo.findManyByIds(extensionIds),
        );
      });
      // The rows are committed: the import answers, and Asterisk is brought in step right after by the outbox
      // (one render and one reload, seconds at site scale), each extension's asterisk.status showing it.
      void sync
        .processPending(inputs.length + 10)
        .catch((error: unknown) => deps.reportFailure({ source: "asterisk_sync", subject: "outbox", error }));
      return { created: ids.length };
    },

    existingNumbers: (numbers: string[]) => repo.existingNumbers(numbers),
    userIdByUsername: deps.users.idByUsername,
    existingIds: (ids: string[]) => repo.existingIds(ids),

    count: () => repo.count(),

    /** Configured extensions, and how many PJSIP ones are registered (null when Asterisk cannot be asked). */
    async registrationCounts(): Promise<{ configured: number; registered: number | null }> {
      const [configured, contacts] = await Promise.all([repo.count(), contactsByEndpoint()]);
      if (!contacts) return { configured, registered: null };
      let registered = 0;
      for (const tech of contacts.known) {
        const numbers = [...contacts.map.keys()]
          .filter((k) => k.startsWith(`${tech}:`))
          .map((k) => k.slice(tech.length + 1));
        registered += await repo.countByNumbers(tech, numbers);
      }
      return { configured, registered };
    },

    /** A user's extensions in number order, with their secrets in clear: what a phone's config needs. */
    async lineCredentialsForUser(userId: string): Promise<LineCredentials[]> {
      return (await repo.listForUser(userId)).map(credentialsOf);
    },

    /** The same for explicitly chosen extensions (a phone's button links), keyed by extension id. */
    async lineCredentialsByIds(ids: string[]): Promise<Map<string, LineCredentials>> {
      return new Map((await repo.findManyByIds(ids)).map((r) => [r.id, credentialsOf(r)]));
    },

    /**
     * Where the line `number` is registered, with each contact's REGISTER Call-ID; null when there is no
     * such line, or Asterisk cannot be asked about its technology (not configured, down, SCCP). Lookups
     * asked for at the same time (a bulk deploy's restarts) share one read of the lines and of Asterisk.
     */
    async lineRegistration(number: string): Promise<LineRegistration | null> {
      return (await lookUpRegistration(number)) ?? null;
    },

    lineOf,

    /**
     * A SIP account's Asterisk objects (accounts module): a PJSIP endpoint, auth (HA1 only) and AOR named
     * after the username, owned by its user, written through the outbox like any extension.
     */
    async putAccountLine(a: { userId: string; name: string; displayName: string; secret: string }): Promise<void> {
      const existing = await repo.findByNumber(a.name);
      if (existing && existing.userId !== a.userId) {
        throw new Conflict("an extension already uses this name", { field: "username" });
      }
      const w: ExtensionWrite = {
        number: a.name,
        technology: "PJSIP",
        displayName: a.displayName,
        userId: a.userId,
        context: existing?.context ?? deps.defaultContext,
        ...credentials(a.name, a.secret),
        voicemail: existing?.voicemail ?? null,
        codecs: existing?.codecs ?? null,
        transport: null,
        options: pjsipOptionsSchema.parse({
          authType: "md5",
          maxContacts: 5,
          removeExisting: true,
          qualifyFrequency: 0,
        }) as Record<string, unknown>,
      };
      const id = existing?.id ?? newId();
      await write(async (trx) => {
        const txRepo = createExtensionsRepository(trx);
        if (existing) await txRepo.update(id, w, iso(clock()));
        else await txRepo.insert(id, w, iso(clock()));
        return { id, number: a.name, previousNumber: null, techs: ["PJSIP"], op: "upsert" };
      });
    },

    /** Removes a SIP account's Asterisk objects (no-op when there are none). */
    async removeAccountLine(name: string, userId: string): Promise<void> {
      const r = await repo.findByNumber(name);
      if (!r || r.userId !== userId) return;
      await service.delete(r.id);
    },

    /** The PJSIP contacts registered for `name` now; null when Asterisk cannot be asked. */
    async contactsOf(name: string): Promise<Array<Omit<Contact, "callId"> & { id: string }> | null> {
      const contacts = await contactsByEndpoint();
      if (!contacts || !contacts.known.has("PJSIP")) return null;
      return (contacts.map.get(`PJSIP:${name}`) ?? []).map(({ callId: _c, contactId: _id, ...c }) => ({
        ...c,
        id: deviceId(c.uri),
      }));
    },

    /** Forgets one of `name`'s registered contacts (by the id contactsOf gave); false when it is not there. */
    async removeAccountContact(name: string, id: string): Promise<boolean> {
      const contacts = await contactsByEndpoint();
      const source = deps.registrations;
      if (!contacts || !source) return false;
      const contact = (contacts.map.get(`PJSIP:${name}`) ?? []).find((c) => deviceId(c.uri) === id);
      if (!contact?.contactId) return false;
      if (source.kind === "ami") await source.manager.removeContact(contact.contactId);
      else await removeRealtimeContact(await source.db(), contact.contactId);
      return true;
    },
  };
  return service;
}
export type ExtensionsService = ReturnType<typeof createExtensionsService>;
