/**
 * API keys: created by an administrator's command, shown once, stored as a SHA-256 hash (a key is
 * 32 random bytes, so a slow hash adds nothing), checked on every request.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { DataSource, EntityManager } from "typeorm";
import { DomainError } from "../lib/errors";
import { nowIso } from "../lib/db";
import { ApiKeyEntity, ROLES, type Role } from "./access.entity";
import { AuditService } from "./audit.service";
import { Principal } from "./principal";

const KEY_PATTERN = /^mak_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$/;

function hashSecret(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

export interface NewApiKey {
  id: string;
  key: string;
}

export class ApiKeyService {
  /** Verified keys, kept briefly so that a busy partner is not a database query per request. */
  private readonly cache = new Map<string, { principal: Principal; until: number }>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly cacheMillis = 10_000,
  ) {}

  /** Creates a key and returns it in full: the only time the secret exists outside the caller. */
  async create(input: { role: string; jurisdictions: string[]; name: string }, actor: string, knownJurisdictions: readonly string[], manager?: EntityManager): Promise<NewApiKey> {
    if (!(ROLES as readonly string[]).includes(input.role)) {
      throw new DomainError("INVALID_INPUT", "role", `role: 须为 ${ROLES.join(", ")} / must be one of ${ROLES.join(", ")}`);
    }
    const role = input.role as Role;
    if (!input.name.trim() || input.name.length > 100) throw new DomainError("INVALID_INPUT", "name", "name: 1–100 个字符 / 1 to 100 characters");
    for (const jurisdiction of input.jurisdictions) {
      if (!knownJurisdictions.includes(jurisdiction)) {
        throw new DomainError("UNKNOWN_PACK", "jurisdiction", `jurisdiction: 未知辖区 ${jurisdiction} / unknown jurisdiction (known: ${knownJurisdictions.join(", ")})`);
      }
    }
    if (role === "PARTNER" && input.jurisdictions.length === 0) {
      throw new DomainError("INVALID_INPUT", "jurisdiction", "jurisdiction: 合作方密钥须至少指定一个辖区 / a PARTNER key needs at least one --jurisdiction");
    }
    const id = randomBytes(9).toString("base64url").toLowerCase().replace(/[^a-z0-9]/g, "0").slice(0, 12).padEnd(12, "0");
    const secret = randomBytes(32).toString("base64url");
    const entity: ApiKeyEntity = {
      id,
      name: input.name.trim(),
      role,
      jurisdictions: role === "PARTNER" ? input.jurisdictions.join(",") : "",
      secretHash: hashSecret(secret),
      createdAt: nowIso(),
      revokedAt: null,
    };
    const write = async (m: EntityManager) => {
      await m.insert(ApiKeyEntity, entity);
      await this.audit.record(m, actor, "apikey.create", "api_key", id, { role, name: entity.name, jurisdictions: input.jurisdictions });
    };
    if (manager) await write(manager);
    else await this.dataSource.transaction(write);
    return { id, key: `mak_${id}_${secret}` };
  }

  /** Revokes every unrevoked key with this name (used for the demo key at each start). */
  async revokeByName(name: string, actor: string): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const keys = await m.find(ApiKeyEntity, { where: { name } });
      for (const key of keys.filter((k) => k.revokedAt === null)) {
        await m.update(ApiKeyEntity, { id: key.id }, { revokedAt: nowIso() });
        await this.audit.record(m, actor, "apikey.revoke", "api_key", key.id, { name });
      }
    });
    this.cache.clear();
  }

  /** The principal of an `Authorization: Bearer <key>` header, or null when it is missing or wrong. */
  async authenticate(header: string | undefined): Promise<Principal | null> {
    if (!header) return null;
    const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
    if (!match) return null;
    const key = match[1];
    const cached = this.cache.get(key);
    if (cached && cached.until > Date.now()) return cached.principal;
    const parts = KEY_PATTERN.exec(key);
    if (!parts) return null;
    const entity = await this.dataSource.getRepository(ApiKeyEntity).findOneBy({ id: parts[1] });
    if (!entity || entity.revokedAt !== null) return null;
    const expected = Buffer.from(entity.secretHash, "hex");
    const actual = Buffer.from(hashSecret(parts[2]), "hex");
    if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return null;
    const principal = new Principal(entity.id, entity.role, entity.jurisdictions ? entity.jurisdictions.split(",") : []);
    this.cache.set(key, { principal, until: Date.now() + this.cacheMillis });
    return principal;
  }
}
