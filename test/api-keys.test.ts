/**
 * API keys over their life, through the built `apikey` command and a running gateway, on SQLite and
 * (with TEST_MYSQL_URL) MariaDB: listed without secrets, revoked by id or by key (recorded, kept),
 * expired; a key revoked by the command is refused by the running gateway within 5 s; rate limits
 * per key, per client address and on requests without a valid key answer 429 with Retry-After.
 * The command must be built first (`npx tsc -p tsconfig.json`, which `npm test` runs).
 */
import * as http from "node:http";
import { testDatabases } from "./support/databases";
import { gql, startTestGateway, type TestGateway } from "./support/gateway";
import { distScript, runToEnd } from "./support/processes";
import { ApiKeyEntity, AuditEntryEntity } from "../src/access/access.entity";
import { ConfigError, readConfig } from "../src/lib/config";
import { Principal } from "../src/access/principal";

const QUERY = "{ rulePacks { id } }";

function apikey(t: TestGateway, ...args: string[]) {
  return runToEnd(distScript("apikey"), args, { DATABASE_URL: t.databaseUrl, LOG_LEVEL: "warn" });
}

function lastLine(text: string): string {
  const lines = text.trim().split("\n");
  return lines[lines.length - 1];
}

/** A key is `mak_<id>_<secret>`; the id has no `_`, the base64url secret may. */
function keyId(key: string): string {
  return key.split("_")[1];
}

function keySecret(key: string): string {
  return key.slice(`mak_${keyId(key)}_`.length);
}

interface Answer {
  status: number;
  retryAfter: string | undefined;
  body: any;
}

/** A request from a chosen loopback address (127.0.0.x), so that tests can be different clients. */
function send(url: string, path: string, options: { key?: string; from?: string; body?: unknown } = {}): Promise<Answer> {
  const target = new URL(path, url);
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  const headers: Record<string, string> = payload ? { "content-type": "application/json" } : {};
  if (options.key) headers.authorization = `Bearer ${options.key}`;
  return new Promise((resolve, reject) => {
    const request = http.request(target, { method: payload ? "POST" : "GET", headers, localAddress: options.from ?? "127.0.0.1" }, (response) => {
      let text = "";
      response.on("data", (chunk) => (text += chunk));
      response.on("end", () => {
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // a text or HTML page: kept as text
        }
        resolve({ status: response.statusCode ?? 0, retryAfter: response.headers["retry-after"] as string | undefined, body });
      });
    });
    request.on("error", reject);
    request.end(payload);
  });
}

function graphql(url: string, key: string | undefined, from?: string): Promise<Answer> {
  return send(url, "/graphql", { key, from, body: { query: QUERY } });
}

function expectRateLimited(answer: Answer, route: "graphql" | "other", english: RegExp): void {
  expect(answer.status).toBe(429);
  expect(Number(answer.retryAfter)).toBeGreaterThan(0);
  expect(Number(answer.retryAfter)).toBeLessThanOrEqual(60);
  const error = route === "graphql" ? answer.body.errors[0] : answer.body.error;
  expect(route === "graphql" ? error.extensions : error).toMatchObject({ code: "RATE_LIMITED", field: "Authorization" });
  expect(error.message).toMatch(english);
}

describe.each(testDatabases().map((db) => [db.name, db] as const))("API keys on %s", (_name, database) => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway(database);
  });
  afterAll(async () => {
    await t?.stop();
  });

  it("lists every key with its role, jurisdictions, times and last use, never the key or its hash", async () => {
    const created = await apikey(t, "create", "--role", "PARTNER", "--jurisdiction", "weihai", "--name", "list me", "--days", "30");
    expect(created.code).toBe(0);
    const key = lastLine(created.stdout);
    expect((await graphql(t.url, key)).status).toBe(200);

    const [listed, table] = await Promise.all([apikey(t, "list", "--json"), apikey(t, "list")]);
    expect(listed.code).toBe(0);
    const entry = (JSON.parse(listed.stdout) as any[]).find((k) => k.id === keyId(key));
    expect(entry).toMatchObject({ name: "list me", role: "PARTNER", jurisdictions: ["weihai"], revokedAt: null });
    // 30 days from when the command read the clock, a moment before it stamped the creation.
    expect(Math.abs(Date.parse(entry.expiresAt) - Date.parse(entry.createdAt) - 30 * 86_400_000)).toBeLessThan(5_000);
    expect(entry.lastUsedAt).not.toBeNull();
    expect(table.stdout).toMatch(new RegExp(`${keyId(key)}\\s+PARTNER\\s+active\\s+weihai\\s.*list me`));
    const { secretHash } = await t.services.dataSource.getRepository(ApiKeyEntity).findOneByOrFail({ id: keyId(key) });
    for (const output of [listed.stdout, table.stdout]) {
      expect(output).not.toContain(keySecret(key));
      expect(output).not.toContain(secretHash);
    }
  });

  it("revokes by id or by the full key, records who and when, keeps the key listed; only the holder learns it was revoked", async () => {
    const known = t.services.packs.jurisdictions();
    const byId = (await t.services.apiKeys.create({ role: "CHARITY", jurisdictions: [], name: "revoke by id" }, Principal.system("test"), known)).key;
    const byKey = (await t.services.apiKeys.create({ role: "CHARITY", jurisdictions: [], name: "revoke by key" }, Principal.system("test"), known)).key;
    const mistyped = `${byKey.slice(0, -1)}${byKey.endsWith("A") ? "B" : "A"}`;
    const [refused, unknown] = await Promise.all([apikey(t, "revoke", "--key", mistyped), apikey(t, "revoke", "--id", "nosuchkey000")]);
    expect([refused.code, unknown.code]).toEqual([2, 2]);
    expect(refused.stderr).toContain("nothing was revoked");
    expect((await graphql(t.url, byKey)).status).toBe(200);

    const [revokedById, revoked] = await Promise.all([apikey(t, "revoke", "--id", keyId(byId)), apikey(t, "revoke", "--key", byKey)]);
    expect(revokedById.code).toBe(0);
    expect(revoked.stdout).toContain(`Revoked CHARITY key ${keyId(byKey)}`);
    const again = await apikey(t, "revoke", "--key", byKey);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("already revoked");

    const listed = await t.services.apiKeys.list(Principal.system("test"));
    for (const key of [byId, byKey]) expect(listed.find((k) => k.id === keyId(key))!.revokedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    const audit = await t.services.dataSource.getRepository(AuditEntryEntity).findBy({ action: "apikey.revoke", subjectId: keyId(byKey) });
    expect(audit).toHaveLength(1);
    expect(audit[0].actor).toBe("cli");

    const holder = await waitForStatus(t.url, byKey, 401, 6_000);
    expect(holder.body.errors[0].extensions.code).toBe("UNAUTHENTICATED");
    expect(holder.body.errors[0].message).toContain("this key was revoked");
    const guesser = await graphql(t.url, mistyped);
    expect(guesser.status).toBe(401);
    expect(guesser.body.errors[0].message).not.toMatch(/revoked|expired/);
  });

  it("refuses a key once it has expired, even one this instance has just verified", async () => {
    const known = t.services.packs.jurisdictions();
    const { key } = await t.services.apiKeys.create({ role: "ADMIN", jurisdictions: [], name: "short-lived", expiresAt: new Date(Date.now() + 1_500).toISOString() }, Principal.system("test"), known);
    expect((await graphql(t.url, key)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1_600));
    const expired = await send(t.url, "/api/settlement/quote", { key, body: {} });
    expect(expired.status).toBe(401);
    expect(expired.body.error).toMatchObject({ code: "UNAUTHENTICATED", field: "Authorization" });
    expect(expired.body.error.message).toContain("this key expired at");

    const before = await t.services.dataSource.getRepository(ApiKeyEntity).count();
    const past = await apikey(t, "create", "--role", "ADMIN", "--name", "born dead", "--expires", "2020-01-01");
    expect(past.code).toBe(2);
    expect(past.stderr).toContain("expires");
    expect(await t.services.dataSource.getRepository(ApiKeyEntity).count()).toBe(before);
  });

  it("lets ADMIN keys, and only them, list, create and revoke keys over GraphQL", async () => {
    const create = `mutation { createApiKey(role: PARTNER, name: "via graphql", jurisdictions: ["weihai"], expires: "2099-01-01") { key apiKey { id role jurisdictions expiresAt revokedAt } } }`;
    const denied = await gql(t.url, t.keys.partner, create);
    expect(denied.errors?.[0].extensions).toMatchObject({ code: "FORBIDDEN" });
    expect((await gql(t.url, t.keys.charity, "{ apiKeys { id } }")).errors?.[0].extensions).toMatchObject({ code: "FORBIDDEN" });

    const created = await gql(t.url, t.keys.admin, create);
    expect(created.errors).toBeUndefined();
    const { key, apiKey } = created.data!.createApiKey;
    expect(apiKey).toEqual({ id: keyId(key), role: "PARTNER", jurisdictions: ["weihai"], expiresAt: "2098-12-31T16:00:00.000Z", revokedAt: null });
    expect((await graphql(t.url, key)).status).toBe(200);
    const listed = await gql(t.url, t.keys.admin, "{ apiKeys { id name } }");
    expect(listed.data!.apiKeys).toContainEqual({ id: apiKey.id, name: "via graphql" });

    const revoked = await gql(t.url, t.keys.admin, `mutation ($id: ID!) { revokeApiKey(id: $id) { id revokedAt } }`, { id: apiKey.id });
    expect(revoked.data!.revokeApiKey.revokedAt).not.toBeNull();
    expect((await graphql(t.url, key)).status).toBe(401);
  });

  it("a key revoked by the command against the same database is refused by the running gateway within 5 s", async () => {
    const known = t.services.packs.jurisdictions();
    const { id, key } = await t.services.apiKeys.create({ role: "PARTNER", jurisdictions: ["weihai"], name: "revoked elsewhere" }, Principal.system("test"), known);
    expect((await graphql(t.url, key)).status).toBe(200);
    const polling = waitForStatus(t.url, key, 401, 30_000);
    const revoked = await apikey(t, "revoke", "--id", id);
    expect(revoked.code).toBe(0);
    await polling;
    const refusedAt = Date.now();
    const { revokedAt } = await t.services.dataSource.getRepository(ApiKeyEntity).findOneByOrFail({ id });
    expect(refusedAt - Date.parse(revokedAt!)).toBeLessThanOrEqual(5_000);
  }, 120_000);
});

/** Asks with the key every 100 ms until the answer has `status`; fails after `timeoutMs`. */
async function waitForStatus(url: string, key: string, status: number, timeoutMs: number): Promise<Answer> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await graphql(url, key);
    if (answer.status === status) return answer;
    if (Date.now() > deadline) throw new Error(`still ${answer.status} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe.each(testDatabases().map((db) => [db.name, db] as const))("rate limits on %s", (_name, database) => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway(database, { rateLimits: { perKeyPerMinute: 5, perAddressPerMinute: 8, authFailuresPerAddressPerMinute: 3 } });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it("limits each key on every keyed route together; another key is unaffected", async () => {
    const from = "127.0.0.2";
    for (let i = 0; i < 5; i++) expect((await graphql(t.url, t.keys.partner, from)).status).toBe(200);
    expectRateLimited(await graphql(t.url, t.keys.partner, from), "graphql", /too many requests for this key; retry after \d+ s/);
    expectRateLimited(await send(t.url, "/api/settlement/quote", { key: t.keys.partner, from, body: {} }), "other", /for this key/);
    expect((await graphql(t.url, t.keys.otherPartner, from)).status).toBe(200);
  });

  it("limits requests without a valid key per address more strictly; other addresses and valid keys are unaffected", async () => {
    const from = "127.0.0.3";
    const wrong = `mak_aaaaaaaaaaaa_${"x".repeat(43)}`;
    for (let i = 0; i < 3; i++) expect((await graphql(t.url, i === 0 ? undefined : wrong, from)).status).toBe(401);
    expectRateLimited(await graphql(t.url, wrong, from), "graphql", /without a valid key from this address/);
    expectRateLimited(await send(t.url, "/statements/X/2023", { key: wrong, from }), "other", /without a valid key/);
    expect((await graphql(t.url, wrong, "127.0.0.4")).status).toBe(401);
    expect((await graphql(t.url, t.keys.admin, from)).status).toBe(200);
  });

  it("limits each client address across keys; another address is unaffected", async () => {
    const from = "127.0.0.5";
    for (const key of [t.keys.admin, t.keys.charity]) for (let i = 0; i < 4; i++) expect((await graphql(t.url, key, from)).status).toBe(200);
    expectRateLimited(await graphql(t.url, t.keys.admin, from), "graphql", /from this address/);
    expect((await graphql(t.url, t.keys.otherPartner, "127.0.0.6")).status).toBe(200);
  });
});

describe("key and rate-limit settings", () => {
  it("defaults to limits a partner does not meet and a key cache of at most 5 s", () => {
    const config = readConfig({});
    expect(config.rateLimits).toEqual({ perKeyPerMinute: 6000, perAddressPerMinute: 12000, authFailuresPerAddressPerMinute: 30 });
    expect(config.apiKeyCacheSeconds).toBeLessThanOrEqual(5);
    expect(readConfig({ RATE_LIMIT_PER_KEY_PER_MINUTE: "0", API_KEY_CACHE_SECONDS: "0" })).toMatchObject({ rateLimits: { perKeyPerMinute: 0 }, apiKeyCacheSeconds: 0 });
    expect(() => readConfig({ API_KEY_CACHE_SECONDS: "10" })).toThrow(ConfigError);
  });
});
