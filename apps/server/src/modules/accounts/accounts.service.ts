import { createHash, createHmac, randomInt, timingSafeEqual } from "node:crypto";
import {
  looksLikePhoneNumber,
  type Account,
  type AccountLoginResponse,
  type Device,
  type User,
} from "@cisisk/contract";
import { Conflict, Forbidden, InvalidCredentials, NotFound, RateLimited, ValidationFailed } from "../../errors.js";
import { newId, newOpaqueToken, sha256Hex } from "../../lib/ids.js";
import type { SecretBox } from "../../lib/secret-box.js";
import { iso, type Clock } from "../../lib/time.js";
import { throttleKey, type Throttle, type ThrottleRule } from "../../throttle/throttle.js";
import { verifyPassword } from "../auth/passwords.js";
import type { AccountTokens } from "./account-tokens.js";
import type { AccountsRepository, TokenPurpose, TokenRow } from "./accounts.repository.js";
import { renderLpconfig } from "./lpconfig.js";

/** What accounts need from the users module (its service). */
export interface AccountUsers {
  get(id: string): Promise<User>;
  create(input: {
    username: string;
    displayName?: string;
    email?: string | null;
    phone?: string | null;
    level: number;
    activated: boolean;
    password?: string;
  }): Promise<User>;
  update(
    id: string,
    patch: { activated?: boolean; password?: string; email?: string | null },
    actorId: string,
    options?: { ownPasswordProven?: boolean },
  ): Promise<User>;
  delete(id: string, actorId: string): Promise<void>;
  findCredentialsByUsername(username: string): Promise<{ user: User; passwordHash: string | null } | undefined>;
  idsByContact(by: { email?: string; phone?: string }): Promise<string[]>;
}

/** What accounts need from the extensions module: the account's Asterisk objects and its registrations. */
export interface AccountLines {
  putAccountLine(a: { userId: string; name: string; displayName: string; secret: string }): Promise<void>;
  removeAccountLine(name: string, userId: string): Promise<void>;
  contactsOf(name: string): Promise<Array<{
    id: string;
    uri: string;
    userAgent: string | null;
    ip: string | null;
    expiresAt: string | null;
  }> | null>;
  removeAccountContact(name: string, id: string): Promise<boolean>;
}

export interface AccountsServiceDeps {
  repo: AccountsRepository;
  users: AccountUsers;
  lines: AccountLines;
  notifications: {
    sendMail(m: { to: string; subject: string; text: string }): Promise<string>;
    sendSms(m: { to: string; text: string }): Promise<string>;
  };
  throttle: Throttle;
  tokens: AccountTokens;
  secretBox: SecretBox;
  clock: Clock;
  /** Keys PIN digests: a stolen table alone does not give the PINs away. */
  pinKey: string;
  settings: {
    domain: string;
    realm: string;
    proxy: string | null;
    transport: "udp" | "tcp" | "tls";
    /** Where people reach the console (links in mails and provisioning URLs). */
    publicUrl: string;
    publicRegistration: boolean;
    phoneRegistration: boolean;
    /** Whether [mail] / [sms] are configured: refused up front otherwise, so no answer depends on who exists. */
    mailConfigured: boolean;
    smsConfigured: boolean;
    provisioningLinkHours: number;
    refreshTokenTtlDays: number;
    loginWindowSeconds: number;
    loginMaxFailuresPerAccount: number;
    loginMaxFailuresPerIp: number;
  };
}

export interface ClientInfo {
  ip: string;
  userAgent: string | null;
}

const HOUR = 3_600_000;
const LINK_TTL_MS = 24 * HOUR;
const PIN_TTL_MS = 10 * 60_000;
const PIN_MAX_WRONG = 3;
/** What every "we sent you something" answer says, whether or not anything was sent. */
export const ACCEPTED = {
  status: "accepted" as const,
  message: "If the details are valid, a message is on its way.",
};

export const ha1 = (algorithm: "md5" | "sha256", user: string, realm: string, password: string) =>
  createHash(algorithm).update(`${user}:${realm}:${password}`).digest("hex");

export function createAccountsService(deps: AccountsServiceDeps) {
  const { repo, users, clock, settings: s, throttle } = deps;
  const now = () => iso(clock());
  const later = (ms: number) => iso(new Date(clock().getTime() + ms));
  const base = s.publicUrl.replace(/\/+$/, "");
  const sipAddress = (username: string) => `${username}@${s.domain}`;
  const pinDigest = (tokenId: string, pin: string) =>
    createHmac("sha256", deps.pinKey).update(`${tokenId}:${pin}`).digest("hex");

  // A channel the server has no configuration for is a feature this site does not offer (the same answer for
  // every address, so nothing is learnt about accounts), not a failing peer.
  function assertChannel(kind: "mail" | "sms") {
    if (kind === "mail" && !s.mailConfigured)
      throw new Forbidden(
        "this server sends no mail ([mail] smtp_url is not set): use another way or ask an administrator",
      );
    if (kind === "sms" && !s.smsConfigured)
      throw new Forbidden("this server sends no SMS ([sms] url is not set): use another way or ask an administrator");
  }

  async function limit(rules: ThrottleRule[]) {
    const verdict = await throttle.attempt(rules);
    if (!verdict.ok) throw new RateLimited(verdict.retryAfterSeconds);
    return verdict;
  }
  const perIp = (what: string, ip: string, n = 20): ThrottleRule => ({
    key: throttleKey("account", what, "ip", ip),
    limit: n,
    windowSeconds: 3600,
  });

  async function toAccount(user: User): Promise<Account> {
    const c = await repo.credentials(user.id);
    return {
      id: user.id,
      username: user.username,
      sipAddress: sipAddress(user.username),
      email: user.email,
      phone: user.phone,
      activated: user.activated,
      hasPassword: Boolean(c),
      algorithms: c ? (c.ha1Sha256 ? ["MD5", "SHA-256"] : ["MD5"]) : [],
      createdAt: user.createdAt,
    };
  }

  /** Username rules beyond the pattern: never a deleted account's, never anyone's. */
  async function assertUsernameFree(username: string) {
    const taken = (await repo.isTombstoned(username)) || Boolean(await users.findCredentialsByUsername(username));
    if (taken) throw new Conflict("this username is not available", { field: "username" });
  }

  /** The Asterisk objects follow the account: present only when it is active and has a password. */
  async function syncLine(user: User) {
    const c = await repo.credentials(user.id);
    if (user.activated && c) {
      await deps.lines.putAccountLine({
        userId: user.id,
        name: user.username,
        displayName: user.displayName,
        secret: deps.secretBox.open(c.secretSealed),
      });
    } else {
      await deps.lines.removeAccountLine(user.username, user.id);
    }
  }

  /** Sets the SIP password: argon2id for logins (users), HA1 digests and the sealed secret for SIP. */
  async function setPassword(user: User, password: string, sha256: boolean, activate: boolean): Promise<User> {
    await repo.putCredentials(
      user.id,
      {
        ha1Md5: ha1("md5", user.username, s.realm, password),
        ha1Sha256: sha256 ? ha1("sha256", user.username, s.realm, password) : null,
        secretSealed: deps.secretBox.seal(password),
      },
      now(),
    );
    // The users module's afterUpdate hook (afterUserUpdated) puts the Asterisk objects in step.
    // Every caller has proven the right to it (current password, confirmation link or PIN).
    return users.update(user.id, { password, ...(activate && !user.activated && { activated: true }) }, user.id, {
      ownPasswordProven: true,
    });
  }

  async function newLink(userId: string, purpose: TokenPurpose, ttlMs: number, target: string | null = null) {
    const token = newOpaqueToken();
    await repo.insertToken({
      id: newId(),
      user_id: userId,
      purpose,
      secret_hash: sha256Hex(token),
      target,
      expires_at: later(ttlMs),
      created_at: now(),
    });
    return token;
  }

  async function newPin(userId: string, purpose: "phone_pin" | "recover_pin", phone: string) {
    await repo.retireTokens(userId, purpose, now());
    const id = newId();
    const pin = String(randomInt(0, 1_000_000)).padStart(6, "0");
    await repo.insertToken({
      id,
      user_id: userId,
      purpose,
      secret_hash: pinDigest(id, pin),
      target: phone,
      expires_at: later(PIN_TTL_MS),
      created_at: now(),
    });
    await deps.notifications.sendSms({ to: phone, text: `Your ${s.domain} code is ${pin}. It expires in 10 minutes.` });
  }

  /** A link token: the live row, or one generic refusal (unknown, used and expired look the same). */
  async function useLink(purpose: TokenPurpose, token: string): Promise<TokenRow> {
    const row = await repo.liveToken(purpose, sha256Hex(token), now());
    if (!row || !(await repo.useToken(row.id, now()))) {
      throw new ValidationFailed("this link is invalid, already used or expired", [
        { path: "body.token", message: "invalid, used or expired" },
      ]);
    }
    return row;
  }

  /** A PIN for the account with this phone: at most PIN_MAX_WRONG wrong tries, then the PIN dies. */
  async function usePin(purpose: "phone_pin" | "recover_pin", phone: string, pin: string): Promise<User> {
    const wrong = () =>
      new ValidationFailed("the code is wrong or expired", [{ path: "body.pin", message: "wrong or expired" }]);
    for (const id of await users.idsByContact({ phone })) {
      const row = await repo.latestToken(id, purpose, now());
      if (!row) continue;
      if (row.attempts >= PIN_MAX_WRONG) break;
      const ok = timingSafeEqual(Buffer.from(pinDigest(row.id, pin)), Buffer.from(row.secret_hash));
      if (!ok) {
        await repo.spendAttempt(row.id, PIN_MAX_WRONG, now());
        throw wrong();
      }
      if (!(await repo.useToken(row.id, now()))) throw wrong();
      return users.get(id);
    }
    throw wrong();
  }

  async function issueSession(userId: string, client: ClientInfo): Promise<Omit<AccountLoginResponse, "account">> {
    const sessionId = newId();
    const refreshToken = newOpaqueToken();
    await repo.insertSession({
      id: sessionId,
      user_id: userId,
      refresh_hash: sha256Hex(refreshToken),
      ip: client.ip,
      user_agent: client.userAgent?.slice(0, 256) ?? null,
      created_at: now(),
      expires_at: later(s.refreshTokenTtlDays * 24 * HOUR),
    });
    return {
      accessToken: await deps.tokens.sign(userId, sessionId),
      refreshToken,
      tokenType: "Bearer",
      expiresIn: deps.tokens.ttlSeconds,
    };
  }

  async function removeAccount(user: User) {
    await deps.lines.removeAccountLine(user.username, user.id);
    await repo.tombstone(user.username.toLowerCase(), now());
    await repo.deleteAccountRows(user.id);
  }

  return {
    sipAddress,

    async registerByEmail(input: { username: string; email: string }, client: ClientInfo) {
      if (!s.publicRegistration) throw new Forbidden("public registration is disabled");
      assertChannel("mail");
      await limit([perIp("register", client.ip)]);
      await assertUsernameFree(input.username);
      const email = input.email.toLowerCase();
      if ((await users.idsByContact({ email })).length > 0) {
        // Same answer as a new registration; only the owner of the address learns that it was tried.
        await deps.notifications.sendMail({
          to: email,
          subject: `Registration attempt on ${s.domain}`,
          text: `Someone tried to register a new account on ${s.domain} with this address, which already has one.\nIf it was you, sign in or recover your password at ${base}/account/recover.\nOtherwise, ignore this message.`,
        });
        return ACCEPTED;
      }
      const user = await users.create({ username: input.username, email, level: 1, activated: false });
      try {
        const token = await newLink(user.id, "confirm", LINK_TTL_MS);
        await deps.notifications.sendMail({
          to: email,
          subject: `Confirm your account ${sipAddress(user.username)}`,
          text: `Welcome! Confirm your account and choose its password within 24 hours:\n\n${base}/account/confirm/${token}\n\nIf you did not ask for it, ignore this message.`,
        });
      } catch (error) {
        await repo.deleteAccountRows(user.id);
        await users.delete(user.id, "registration");
        throw error;
      }
      return ACCEPTED;
    },

    async confirm(input: { token: string; password: string }): Promise<Account> {
      const row = await useLink("confirm", input.token);
      return toAccount(await setPassword(await users.get(row.user_id), input.password, false, true));
    },

    async registerByPhone(input: { phone: string; username?: string | undefined }, client: ClientInfo) {
      if (!s.phoneRegistration) throw new Forbidden("phone registration is disabled");
      assertChannel("sms");
      await limit([perIp("register", client.ip)]);
      // Resending is throttled per number: one SMS a minute, five an hour.
      await limit([
        { key: throttleKey("account", "sms", "min", input.phone), limit: 1, windowSeconds: 60 },
        { key: throttleKey("account", "sms", "hour", input.phone), limit: 5, windowSeconds: 3600 },
      ]);
      const ids = await users.idsByContact({ phone: input.phone });
      const existing = await Promise.all(ids.map((id) => users.get(id)));
      const pending = existing.find((u) => !u.activated && !u.hasPassword);
      if (pending) {
        await newPin(pending.id, "phone_pin", input.phone);
        return ACCEPTED;
      }
      if (existing.length > 0) {
        await deps.notifications.sendSms({
          to: input.phone,
          text: `Someone tried to register this number on ${s.domain}; it already has an account. Ignore this if it was not you.`,
        });
        return ACCEPTED;
      }
      const username = input.username ?? input.phone;
      await assertUsernameFree(username);
      const user = await users.create({ username, phone: input.phone, level: 1, activated: false });
      try {
        await newPin(user.id, "phone_pin", input.phone);
      } catch (error) {
        await repo.deleteAccountRows(user.id);
        await users.delete(user.id, "registration");
        throw error;
      }
      return ACCEPTED;
    },

    async confirmPhone(input: { phone: string; pin: string; password: string }): Promise<Account> {
      const user = await usePin("phone_pin", input.phone, input.pin);
      return toAccount(await setPassword(user, input.password, false, true));
    },

    async login(input: { identifier: string; password: string }, client: ClientInfo): Promise<AccountLoginResponse> {
      const identifier = input.identifier.trim();
      const key = identifier.toLowerCase();
      const verdict = await limit([
        {
          key: throttleKey("account-login", "account", key),
          limit: s.loginMaxFailuresPerAccount,
          windowSeconds: s.loginWindowSeconds,
        },
        {
          key: throttleKey("account-login", "ip", client.ip),
          limit: s.loginMaxFailuresPerIp,
          windowSeconds: s.loginWindowSeconds,
        },
      ]);
      let found: { user: User; passwordHash: string | null } | undefined;
      if (looksLikePhoneNumber(identifier) && identifier.startsWith("+")) {
        const phone = identifier.replace(/[ ().-]/g, "");
        for (const id of await users.idsByContact({ phone })) {
          const u = await users.get(id);
          const creds = await users.findCredentialsByUsername(u.username);
          if (creds?.passwordHash) found = creds;
          if (found) break;
        }
      }
      found ??= await users.findCredentialsByUsername(key);
      const ok = await verifyPassword(found?.passwordHash, input.password);
      if (!ok || !found || !found.user.activated) throw new InvalidCredentials();
      await verdict.succeeded({ reset: [throttleKey("account-login", "account", key)] });
      return { ...(await issueSession(found.user.id, client)), account: await toAccount(found.user) };
    },

    async refresh(refreshToken: string, client: ClientInfo): Promise<AccountLoginResponse> {
      const hash = sha256Hex(refreshToken);
      const session = await repo.sessionByRefresh(hash, now());
      if (!session) {
        // A rotated token presented again was copied: end the session, whoever holds its successor.
        const reused = await repo.sessionByRotatedRefresh(hash, now());
        if (reused) await repo.revokeSession(reused.id, now());
        throw new InvalidCredentials();
      }
      const user = await users.get(session.user_id).catch(() => null);
      const next = newOpaqueToken();
      if (!user?.activated) throw new InvalidCredentials();
      if (!(await repo.rotateRefresh(session.id, hash, sha256Hex(next)))) {
        // Rotated by someone else between our read and our write: that is reuse too.
        await repo.revokeSession(session.id, now());
        throw new InvalidCredentials();
      }
      void client;
      return {
        accessToken: await deps.tokens.sign(user.id, session.id),
        refreshToken: next,
        tokenType: "Bearer",
        expiresIn: deps.tokens.ttlSeconds,
        account: await toAccount(user),
      };
    },

    async logout(sessionId: string): Promise<void> {
      await repo.revokeSession(sessionId, now());
    },

    /** The principal of a self-service bearer token, or null. */
    async authenticate(token: string) {
      const claims = await deps.tokens.verify(token);
      if (!claims) return null;
      const session = await repo.liveSession(claims.sessionId, now());
      if (!session || session.user_id !== claims.userId) return null;
      const user = await users.get(claims.userId).catch(() => null);
      if (!user?.activated) return null;
      return { kind: "account" as const, accountId: user.id, sessionId: session.id };
    },

    async recover(input: { email: string } | { phone: string }, client: ClientInfo) {
      const target = "email" in input ? input.email.toLowerCase() : input.phone;
      assertChannel("email" in input ? "mail" : "sms");
      await limit([
        perIp("recover", client.ip),
        { key: throttleKey("account", "recover", target), limit: 3, windowSeconds: 3600 },
      ]);
      if ("email" in input) {
        const [id] = await users.idsByContact({ email: target });
        if (id) {
          await repo.retireTokens(id, "recover", now());
          const token = await newLink(id, "recover", HOUR);
          await deps.notifications.sendMail({
            to: target,
            subject: `Reset the password of ${sipAddress((await users.get(id)).username)}`,
            text: `Choose a new password within an hour:\n\n${base}/account/reset/${token}\n\nIf you did not ask for it, ignore this message.`,
          });
        }
      } else {
        const [id] = await users.idsByContact({ phone: target });
        if (id) await newPin(id, "recover_pin", target);
      }
      return ACCEPTED;
    },

    async reset(input: { token: string; password: string } | { phone: string; pin: string; password: string }) {
      const user =
        "token" in input
          ? await users.get((await useLink("recover", input.token)).user_id)
          : await usePin("recover_pin", input.phone, input.pin);
      const c = await repo.credentials(user.id);
      const updated = await setPassword(user, input.password, Boolean(c?.ha1Sha256), true);
      await repo.revokeSessions(user.id, now());
      return toAccount(updated);
    },

    async me(userId: string): Promise<Account> {
      return toAccount(await users.get(userId));
    },

    async requestEmailChange(userId: string, email: string) {
      const user = await users.get(userId);
      assertChannel("mail");
      await limit([{ key: throttleKey("account", "email", userId), limit: 5, windowSeconds: 3600 }]);
      await repo.retireTokens(userId, "email", now());
      const token = await newLink(userId, "email", LINK_TTL_MS, email.toLowerCase());
      await deps.notifications.sendMail({
        to: email,
        subject: `Confirm the new address of ${sipAddress(user.username)}`,
        text: `Open this link to make this the address of ${sipAddress(user.username)}:\n\n${base}/account/email/${token}\n\nIf you did not ask for it, ignore this message.`,
      });
      return ACCEPTED;
    },

    async confirmEmailChange(token: string): Promise<Account> {
      const row = await useLink("email", token);
      const user = await users.get(row.user_id);
      const email = row.target!;
      const others = (await users.idsByContact({ email })).filter((id) => id !== user.id);
      if (others.length > 0) throw new Conflict("this address belongs to another account", { field: "email" });
      const updated = await users.update(user.id, { email }, user.id);
      if (user.email && user.email !== email) {
        await deps.notifications.sendMail({
          to: user.email,
          subject: `The address of ${sipAddress(user.username)} changed`,
          text: `The email address of ${sipAddress(user.username)} is now ${email}. If you did not do this, recover your account at ${base}/account/recover.`,
        });
      }
      return toAccount(updated);
    },

    async changePassword(
      principal: { accountId: string; sessionId: string },
      input: { currentPassword: string; newPassword: string; sha256: boolean },
    ): Promise<Account> {
      const user = await users.get(principal.accountId);
      const verdict = await limit([
        {
          key: throttleKey("account-login", "account", user.username.toLowerCase()),
          limit: s.loginMaxFailuresPerAccount,
          windowSeconds: s.loginWindowSeconds,
        },
      ]);
      const creds = await users.findCredentialsByUsername(user.username);
      if (!(await verifyPassword(creds?.passwordHash, input.currentPassword))) throw new InvalidCredentials();
      await verdict.succeeded();
      const updated = await setPassword(user, input.newPassword, input.sha256, false);
      await repo.revokeSessions(user.id, now(), principal.sessionId);
      return toAccount(updated);
    },

    async deleteSelf(userId: string, typed: string): Promise<void> {
      const user = await users.get(userId);
      const normalised = typed
        .trim()
        .replace(/^sips?:/i, "")
        .toLowerCase();
      if (normalised !== sipAddress(user.username).toLowerCase()) {
        throw new ValidationFailed("type your full SIP address to confirm", [
          { path: "body.sipAddress", message: `must be ${sipAddress(user.username)}` },
        ]);
      }
      await removeAccount(user);
      await users.delete(user.id, "self-service");
    },

    async devices(userId: string): Promise<{ data: Device[]; known: boolean }> {
      const user = await users.get(userId);
      const contacts = await deps.lines.contactsOf(user.username);
      if (!contacts) return { data: [], known: false };
      return {
        data: contacts.map((c) => ({
          id: c.id,
          uri: c.uri,
          userAgent: c.userAgent,
          address: c.ip,
          expiresAt: c.expiresAt,
        })),
        known: true,
      };
    },

    async removeDevice(userId: string, deviceId: string): Promise<void> {
      const user = await users.get(userId);
      if (!(await deps.lines.removeAccountContact(user.username, deviceId)))
        throw new NotFound("device", { id: deviceId });
    },

    // ── Administration (console).
    async account(userId: string): Promise<Account> {
      return toAccount(await users.get(userId));
    },

    async setActivated(userId: string, activated: boolean, actorId: string): Promise<Account> {
      const user = await users.update(userId, { activated }, actorId);
      if (!activated) await repo.revokeSessions(userId, now());
      return toAccount(user);
    },

    /** The admin sets an account's SIP password (accounts created in the console). */
    async adminSetPassword(userId: string, password: string, sha256: boolean): Promise<Account> {
      const user = await users.get(userId);
      return toAccount(await setPassword(user, password, sha256, false));
    },

    /** An account's username names its SIP identity, digests and Asterisk objects: it does not change. */
    async beforeUserUpdated(user: User, patch: { username?: string | undefined }): Promise<void> {
      if (patch.username === undefined || patch.username === user.username) return;
      if (await repo.credentials(user.id)) {
        throw new Conflict("the username of a SIP account cannot change", { field: "username" });
      }
    },

    /**
     * After any update of a user (console PATCH, activation, self-service): a new password gives new SIP
     * digests, and the Asterisk objects follow activation and password.
     */
    async afterUserUpdated(user: User, patch: { password?: string | undefined; activated?: boolean | undefined }) {
      const c = await repo.credentials(user.id);
      if (!c) return;
      if (patch.password !== undefined && c.ha1Md5 !== ha1("md5", user.username, s.realm, patch.password)) {
        await repo.putCredentials(
          user.id,
          {
            ha1Md5: ha1("md5", user.username, s.realm, patch.password),
            ha1Sha256: c.ha1Sha256 ? ha1("sha256", user.username, s.realm, patch.password) : null,
            secretSealed: deps.secretBox.seal(patch.password),
          },
          now(),
        );
      }
      if (patch.password !== undefined || patch.activated !== undefined) await syncLine(user);
    },

    /** What the users module calls before it deletes a user: the account's rows and Asterisk objects go too. */
    async beforeUserDeleted(user: User): Promise<void> {
      if (await repo.credentials(user.id)) await removeAccount(user);
      else await repo.deleteAccountRows(user.id);
    },

    async newProvisioningLink(userId: string): Promise<{ url: string; expiresAt: string }> {
      const user = await users.get(userId);
      if (!(await repo.credentials(user.id))) {
        throw new Conflict("the account has no SIP password yet", { field: "password" });
      }
      await repo.retireTokens(user.id, "provision", now());
      const token = newOpaqueToken();
      const expiresAt = later(s.provisioningLinkHours * HOUR);
      await repo.insertToken({
        id: newId(),
        user_id: user.id,
        purpose: "provision",
        secret_hash: sha256Hex(token),
        // Sealed, not hashed only: the QR code of the newest link is drawn again on request.
        target: deps.secretBox.seal(token),
        expires_at: expiresAt,
        created_at: now(),
      });
      return { url: `${base}/provisioning/${token}`, expiresAt };
    },

    async currentProvisioningUrl(userId: string): Promise<string> {
      const row = await repo.latestToken(userId, "provision", now());
      if (!row?.target) throw new NotFound("provisioning link", { userId });
      return `${base}/provisioning/${deps.secretBox.open(row.target)}`;
    },

    /**
     * Linphone's remote provisioning: only a request from Linphone (its `x-linphone-provisioning` header)
     * burns the link and activates the account; a mail scanner or a browser opening it changes nothing.
     */
    async provision(token: string, fromLinphone: boolean): Promise<string> {
      const row = await repo.liveToken("provision", sha256Hex(token), now());
      if (!row) throw new NotFound("provisioning link");
      if (!fromLinphone) throw new Forbidden("open this link in Linphone (remote provisioning)");
      if (!(await repo.useToken(row.id, now()))) throw new NotFound("provisioning link");
      let user = await users.get(row.user_id);
      if (!user.activated) {
        user = await users.update(user.id, { activated: true }, user.id);
      }
      const c = (await repo.credentials(user.id))!;
      return renderLpconfig({
        username: user.username,
        displayName: user.displayName,
        domain: s.domain,
        realm: s.realm,
        proxy: s.proxy,
        transport: s.transport,
        ha1: c.ha1Sha256 ?? c.ha1Md5,
        algorithm: c.ha1Sha256 ? "SHA-256" : "MD5",
      });
    },
  };
}
export type AccountsService = ReturnType<typeof createAccountsService>;
