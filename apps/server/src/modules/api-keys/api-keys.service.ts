import { randomBytes } from "node:crypto";
import type { ApiKey, CreatedApiKey, ListQuery, ListResponse } from "@cisisk/contract";
import { NotFound, ValidationFailed } from "../../errors.js";
import { newId, sha256Hex } from "../../lib/ids.js";
import { inNetworks, parseNetwork, type Network } from "../../lib/ip-networks.js";
import { iso, type Clock } from "../../lib/time.js";
import type { ApiKeysRepository } from "./api-keys.repository.js";

const PREFIX = "csk_";

/** Named API keys for scripts: shown once, stored as SHA-256, optionally expiring and bound to networks. */
export function createApiKeysService(deps: { repo: ApiKeysRepository; clock: Clock }) {
  const { repo, clock } = deps;
  return {
    async create(input: {
      name: string;
      expiresAt?: string | null | undefined;
      allowedNetworks: string[];
    }): Promise<CreatedApiKey> {
      const networks = input.allowedNetworks.map((n, i) => {
        const parsed = parseNetwork(n);
        if (!parsed) {
          throw new ValidationFailed("not an IP address or CIDR range", [
            { path: `body.allowedNetworks.${i}`, message: "must be an IP address or CIDR range" },
          ]);
        }
        return `${parsed[0].toString()}/${parsed[1]}`;
      });
      const expiresAt = input.expiresAt ? iso(new Date(input.expiresAt)) : null;
      if (expiresAt && expiresAt <= iso(clock())) {
        throw new ValidationFailed("expiresAt is in the past", [{ path: "body.expiresAt", message: "in the past" }]);
      }
      const key = `${PREFIX}${randomBytes(32).toString("base64url")}`;
      const row = {
        id: newId(),
        name: input.name,
        key_hash: sha256Hex(key),
        key_prefix: key.slice(0, PREFIX.length + 6),
        allowed_networks: JSON.stringify(networks),
        expires_at: expiresAt,
        last_used_at: null,
        created_at: iso(clock()),
      };
      await repo.insert(row);
      return { ...(await repo.findById(row.id))!, key };
    },

    async list(q: ListQuery): Promise<ListResponse<ApiKey>> {
      const { rows, total, page, nextCursor } = await repo.list(q);
      return { data: rows, total, page, pageSize: q.pageSize, nextCursor };
    },

    async delete(id: string): Promise<void> {
      if (!(await repo.delete(id))) throw new NotFound("API key", { id });
    },

    /** The key of an `X-API-Key` header from `ip`, or null (unknown, expired, or another network). */
    async authenticate(key: string, ip: string): Promise<{ kind: "api_key"; keyId: string; name: string } | null> {
      if (!key.startsWith(PREFIX) || key.length > 200) return null;
      const k = await repo.findByHash(sha256Hex(key));
      if (!k) return null;
      if (k.expiresAt && k.expiresAt <= iso(clock())) return null;
      const networks = k.allowedNetworks.map(parseNetwork).filter((n): n is Network => n !== null);
      if (networks.length > 0 && !inNetworks(ip, networks)) return null;
      await repo.touch(k.id, iso(clock()));
      return { kind: "api_key", keyId: k.id, name: k.name };
    },
  };
}
export type ApiKeysService = ReturnType<typeof createApiKeysService>;
