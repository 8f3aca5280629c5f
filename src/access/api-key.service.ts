/**
 * API keys: created by an administrator's command, shown once, stored as a SHA-256 hash (a key is
 * 32 random bytes, so a slow hash adds nothing), checked on every request; listed, expired and
 * revoked, never deleted.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { DataSource, EntityManager } from "typeorm";
import { DomainError, notFound } from "../lib/errors";
import { isValidDate } from "../lib/dates";
import { nowIso, transactionsOf, type TransactionRunner } from "../lib/db";
import { ApiKeyEntity, ROLES, type Role } from "./access.entity";
import { AuditService } from "./audit.service";
import { Principal, unauthenticated } from "./principal";

const KEY_PATTERN = /^mak_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$/;
const DAY_MILLIS = 86_400_000;
/** `last_used_at` is written at most this often per key and instance: one write a minute, not one a request. */
const LAST_USED_STEP_MILLIS = 60_000;

function hashSecret(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

function secretMatches(entity: ApiKeyEntity, secret: string): boolean {
  const expected = Buffer.from(entity.secretHash, "hex");
  const actual = Buffer.from(hashSecret(secret), "hex");
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

function isExpired(entity: Pick<ApiKeyEntity, "expiresAt">, now = Date.now()): boolean {
  return entity.expiresAt !== null && Date.parse(entity.expiresAt) <= now;
}

/** True when a stored key may act: neither revoked nor expired. */
export function isKeyActive(entity: Pick<ApiKeyEntity, "revokedAt" | "expiresAt">): boolean {
  return entity.revokedAt === null && !isExpired(entity);
}

/**
 * When a key given `--expires DATE` or `--days N` stops working: DATE at 00:00 China time (the
 * offices' clock; the key works through the day before), or N whole days from now.
 */
export function expiryFrom(request: { date?: string; days?: number }, now = Date.now()): string | null {
  if (request.date !== undefined) {
    if (!isValidDate(request.date)) throw new DomainError("INVALID_DATE", "expires", `expires: 须为 YYYY-MM-DD / must be a date YYYY-MM-DD (got "${request.date}")`);
    return new Date(`${request.date}T00:00:00+08:00`).toISOString();
  }
  if (request.days !== undefined) {
    if (!Number.isInteger(request.days) || request.days < 1 || request.days > 36_500) throw new DomainError("INVALID_INPUT", "days", "days: 1 到 36500 的整数 / a whole number of days from 1 to 36500");
    return new Date(now + request.days * DAY_MILLIS).toISOString();
  }
  return null;
}

export interface NewApiKey {
  id: string;
  key: string;
}

/** What `apikey list` shows of a key: never the key or its hash. */
export interface ApiKeyListing {
  id: string;
  name: string;
  role: Role;
  jurisdictions: string[];
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

export interface RevokedKey {
  key: ApiKeyListing;
  /** False when the key was revoked before: nothing changed. */
  revokedNow: boolean;
}

function listing(entity: ApiKeyEntity): ApiKeyListing {
  const { id, name, role, createdAt, expiresAt, revokedAt, lastUsedAt } = entity;
  return { id, name, role, jurisdictions: entity.jurisdictions ? entity.jurisdictions.split(",") : [], createdAt, expiresAt, revokedAt, lastUsedAt };
}

interface CachedKey {
  principal: Principal;
  /** Until when the entry may answer: the cache's time to live, or the key's expiry if sooner. */
  until: number;
}

export class ApiKeyService {
  /** Verified keys, kept briefly so that a busy partner is not a database query per request. */
  private readonly cache = new Map<string, CachedKey>();
  /** When this instance last wrote each key's `last_used_at`. */
  private readonly lastUsedWritten = new Map<string, number>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    /** How long a verified key is trusted without the database: a revocation elsewhere takes this long to reach this instance. */
    private readonly cacheMillis: number,
  ) {}

  /** Every write goes through the process's one door (see transactionsOf). */
  private get transactions(): TransactionRunner {
    return transactionsOf(this.dataSource);
  }

  /** Creates a key (ADMIN) and returns it in full: the only time the secret exists outside the caller. */
  async create(input: { role: string; jurisdictions: string[]; name: string; expiresAt?: string | null }, actor: Principal, knownJurisdictions: readonly string[], manager?: EntityManager): Promise<NewApiKey> {
    actor.requireRole("ADMIN");
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
    const expiresAt = input.expiresAt ?? null;
    if (expiresAt !== null && isExpired({ expiresAt })) throw new DomainError("INVALID_DATE", "expires", `expires: 须在将来 / must be in the future (got ${expiresAt})`);
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
      expiresAt,
      lastUsedAt: null,
    };
    const write = async (m: EntityManager) => {
      await m.insert(ApiKeyEntity, entity);
      await this.audit.record(m, actor.keyId, "apikey.create", "api_key", id, { role, name: entity.name, jurisdictions: input.jurisdictions, expiresAt });
    };
    if (manager) await write(manager);
    else await this.transactions.run(write);
    return { id, key: `mak_${id}_${secret}` };
  }

  /** Every key, oldest first, revoked and expired ones included (ADMIN). */
  async list(principal: Principal): Promise<ApiKeyListing[]> {
    principal.requireRole("ADMIN");
    const keys = await this.dataSource.getRepository(ApiKeyEntity).find({ order: { createdAt: "ASC", id: "ASC" } });
    return keys.map(listing);
  }

  /**
   * Revokes one key, named by its id or given in full (then its secret must match: a mistyped key
   * revokes nothing). The key stays as a record, with the time and an audit entry. ADMIN only.
   */
  async revoke(ref: { id: string } | { key: string }, actor: Principal): Promise<RevokedKey> {
    actor.requireRole("ADMIN");
    const result = await this.transactions.run(async (m) => {
      const entity = await this.findForRevocation(m, ref);
      if (entity.revokedAt !== null) return { key: listing(entity), revokedNow: false };
      entity.revokedAt = nowIso();
      await m.update(ApiKeyEntity, { id: entity.id }, { revokedAt: entity.revokedAt });
      await this.audit.record(m, actor.keyId, "apikey.revoke", "api_key", entity.id, { name: entity.name });
      return { key: listing(entity), revokedNow: true };
    });
    this.cache.clear();
    return result;
  }

  private async findForRevocation(manager: EntityManager, ref: { id: string } | { key: string }): Promise<ApiKeyEntity> {
    if ("id" in ref) {
      const entity = await manager.findOneBy(ApiKeyEntity, { id: ref.id });
      if (!entity) throw notFound("API key", ref.id);
      return entity;
    }
    const parts = KEY_PATTERN.exec(ref.key.trim());
    const entity = parts ? await manager.findOneBy(ApiKeyEntity, { id: parts[1] }) : null;
    if (!parts || !entity || !secretMatches(entity, parts[2])) throw new DomainError("NOT_FOUND", "key", "key: 不是本系统的密钥 / not a key of this gateway (nothing was revoked)");
    return entity;
  }

  /** Revokes every unrevoked key with this name (used for the demo key at each start). */
  async revokeByName(name: string, actor: string): Promise<void> {
    await this.transactions.run(async (m) => {
      const keys = await m.find(ApiKeyEntity, { where: { name } });
      for (const key of keys.filter((k) => k.revokedAt === null)) {
        await m.update(ApiKeyEntity, { id: key.id }, { revokedAt: nowIso() });
        await this.audit.record(m, actor, "apikey.revoke", "api_key", key.id, { name });
      }
    });
    this.cache.clear();
  }

  /**
   * The principal of an `Authorization: Bearer <key>` header; UNAUTHENTICATED when it is missing or
   * wrong. Only the holder of a key's full secret learns that it was revoked or has expired: anyone
   * else gets the same answer as for a key that never existed.
   */
  async authenticate(header: string | undefined): Promise<Principal> {
    const match = header ? /^Bearer\s+(\S+)$/i.exec(header.trim()) : null;
    if (!match) throw unauthenticated();
    const key = match[1];
    const cached = this.cache.get(key);
    if (cached && cached.until > Date.now()) return cached.principal;
    const parts = KEY_PATTERN.exec(key);
    if (!parts) throw unauthenticated();
    const entity = await this.dataSource.getRepository(ApiKeyEntity).findOneBy({ id: parts[1] });
    if (!entity || !secretMatches(entity, parts[2])) throw unauthenticated();
    if (entity.revokedAt !== null) throw unauthenticated(`此密钥已于 ${entity.revokedAt} 吊销 / this key was revoked at ${entity.revokedAt}`);
    if (isExpired(entity)) throw unauthenticated(`此密钥已于 ${entity.expiresAt} 过期 / this key expired at ${entity.expiresAt}`);
    const principal = new Principal(entity.id, entity.role, entity.jurisdictions ? entity.jurisdictions.split(",") : []);
    const until = Math.min(Date.now() + this.cacheMillis, entity.expiresAt === null ? Infinity : Date.parse(entity.expiresAt));
    this.cache.set(key, { principal, until });
    await this.noteUse(entity);
    return principal;
  }

  /** Records that a key was used, at most once a minute per key: a failure here never refuses the request. */
  private async noteUse(entity: ApiKeyEntity): Promise<void> {
    const now = Date.now();
    const last = Math.max(this.lastUsedWritten.get(entity.id) ?? 0, entity.lastUsedAt ? Date.parse(entity.lastUsedAt) : 0);
    if (now - last < LAST_USED_STEP_MILLIS) return;
    this.lastUsedWritten.set(entity.id, now);
    await this.transactions.run((m) => m.update(ApiKeyEntity, { id: entity.id }, { lastUsedAt: new Date(now).toISOString() })).catch(() => undefined);
  }
}
