import type { AuthToken, LoginResponse } from "@cisisk/contract";
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type RegistrationResponseJSON,
} from "@simplewebauthn/server";
import { InvalidCredentials, RateLimited, ValidationFailed } from "../../errors.js";
import { newId } from "../../lib/ids.js";
import { addSeconds, iso, type Clock } from "../../lib/time.js";
import { throttleKey, type Throttle } from "../../throttle/throttle.js";
import type { UsersService } from "../users/users.service.js";
import type { SecuritySettingsService } from "../settings/security-settings.service.js";
import type { AdminSession } from "../../http/principals.js";
import type { AuthRepository } from "./auth.repository.js";
import type { AuthService, ClientInfo } from "./auth.service.js";

export interface PasskeysDeps {
  repo: AuthRepository;
  auth: Pick<AuthService, "loginWithVerifiedUser" | "recordFailure">;
  users: Pick<UsersService, "get">;
  security: Pick<SecuritySettingsService, "allows">;
  throttle: Throttle;
  clock: Clock;
  notify(subject: string, text: string): Promise<void>;
  /** `[security] rp_id`, `rp_origin`, `rp_name`. */
  rp: { id: string; origin: string; name: string };
}

const TIMEOUT_MS = 120_000;

/** The challenge the browser signed, read from clientDataJSON (then taken from the database, once). */
function challengeOf(clientDataJSON: string): string {
  try {
    const data = JSON.parse(Buffer.from(clientDataJSON, "base64url").toString("utf8")) as { challenge?: unknown };
    if (typeof data.challenge === "string" && data.challenge.length <= 128) return data.challenge;
  } catch {
    // fall through
  }
  throw new ValidationFailed("clientDataJSON is not valid", [
    { path: "body.response.response.clientDataJSON", message: "not a WebAuthn client data" },
  ]);
}

/**
 * Passkeys (WebAuthn) for the console's superadmins: register while logged in, log in without a password.
 * Challenges are single-use rows in the database, so any server of a cluster can finish a ceremony another began.
 */
export function createPasskeys(deps: PasskeysDeps) {
  const { repo, clock, rp } = deps;

  async function newChallenge(kind: string, userId: string | null, challenge: string) {
    await repo.insertChallenge({ challenge, kind, userId, expiresAt: iso(addSeconds(clock(), TIMEOUT_MS / 1000)) });
  }

  async function limitOptions(ip: string) {
    const v = await deps.throttle.attempt([
      { key: throttleKey("webauthn", "options", ip), limit: 30, windowSeconds: 60 },
    ]);
    if (!v.ok) throw new RateLimited(v.retryAfterSeconds);
  }

  return {
    async registrationOptions(principal: AdminSession, client: ClientInfo) {
      await limitOptions(client.ip);
      const existing = await repo.passkeysOf(principal.user.id);
      const options = await generateRegistrationOptions({
        rpName: rp.name,
        rpID: rp.id,
        userName: principal.user.username,
        userDisplayName: principal.user.displayName,
        userID: new TextEncoder().encode(principal.user.id),
        timeout: TIMEOUT_MS,
        attestationType: "none",
        excludeCredentials: existing.map((p) => ({ id: p.credentialId, transports: p.transports })),
        authenticatorSelection: { residentKey: "required", userVerification: "preferred" },
      });
      await newChallenge("register", principal.user.id, options.challenge);
      return options;
    },

    async register(
      principal: AdminSession,
      response: RegistrationResponseJSON,
      name: string | undefined,
      client: ClientInfo,
    ): Promise<AuthToken> {
      const challenge = challengeOf(response.response.clientDataJSON);
      const taken = await repo.takeChallenge(challenge, "register", iso(clock()));
      if (!taken || taken.userId !== principal.user.id)
        throw new ValidationFailed("the registration challenge is unknown, used or expired", [
          { path: "body.response", message: "unknown, used or expired challenge" },
        ]);
      const result = await verifyRegistrationResponse({
        response,
        expectedChallenge: challenge,
        expectedOrigin: rp.origin,
        expectedRPID: rp.id,
        requireUserVerification: false,
      }).catch((error: unknown) => {
        throw new ValidationFailed(`the passkey could not be verified: ${(error as Error).message}`, [
          { path: "body.response", message: (error as Error).message },
        ]);
      });
      if (!result.verified) throw new ValidationFailed("the passkey could not be verified");
      const { credential } = result.registrationInfo;
      const row = {
        id: newId(),
        userId: principal.user.id,
        credentialId: credential.id,
        publicKey: Buffer.from(credential.publicKey).toString("base64url"),
        counter: credential.counter,
        transports: credential.transports ?? [],
        name: name?.trim() || `Passkey ${iso(clock()).slice(0, 10)}`,
        createdAt: iso(clock()),
        ip: client.ip,
        userAgent: client.userAgent,
      };
      await repo.insertPasskey(row);
      await deps.notify(
        "Cisisk: passkey added",
        `A passkey "${row.name}" was added to the account "${principal.user.username}" from ${client.ip}.`,
      );
      return { ...row, kind: "passkey", lastUsedAt: null, expiresAt: null, current: false };
    },

    /** Options for a username-less login (discoverable credentials). */
    async loginOptions(client: ClientInfo) {
      await limitOptions(client.ip);
      const options = await generateAuthenticationOptions({
        rpID: rp.id,
        timeout: TIMEOUT_MS,
        userVerification: "preferred",
      });
      await newChallenge("login", null, options.challenge);
      return options;
    },

    async login(response: AuthenticationResponseJSON, client: ClientInfo): Promise<LoginResponse> {
      const fail = async (username: string) => {
        await deps.auth.recordFailure(username, client, "passkey", "bad_passkey");
        throw new InvalidCredentials();
      };
      if (!(await deps.security.allows(client.ip))) {
        await deps.auth.recordFailure("(passkey)", client, "passkey", "not_allowed_network");
        throw new InvalidCredentials();
      }
      const challenge = challengeOf(response.response.clientDataJSON);
      const taken = await repo.takeChallenge(challenge, "login", iso(clock()));
      const passkey = await repo.findPasskeyByCredentialId(response.id);
      if (!taken || !passkey) return fail("(passkey)");
      const user = await deps.users.get(passkey.userId).catch(() => undefined);
      if (!user) return fail("(passkey)");
      const result = await verifyAuthenticationResponse({
        response,
        expectedChallenge: challenge,
        expectedOrigin: rp.origin,
        expectedRPID: rp.id,
        credential: {
          id: passkey.credentialId,
          publicKey: new Uint8Array(Buffer.from(passkey.publicKey, "base64url")),
          counter: passkey.counter,
          transports: passkey.transports as never,
        },
        requireUserVerification: false,
      }).catch(() => null);
      if (!result?.verified) return fail(user.username);
      // The counter moves forward once: a cloned authenticator replaying an old count loses the race here.
      const used = await repo.usePasskey(
        passkey.id,
        passkey.counter,
        result.authenticationInfo.newCounter,
        iso(clock()),
        client.ip,
        client.userAgent,
      );
      if (!used) return fail(user.username);
      if (!user.activated || user.level !== 0) {
        await deps.auth.recordFailure(user.username, client, "passkey", "no_console_access");
        throw new InvalidCredentials();
      }
      return deps.auth.loginWithVerifiedUser(user, client);
    },
  };
}
export type Passkeys = ReturnType<typeof createPasskeys>;
