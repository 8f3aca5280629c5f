/**
 * Operating a running gateway over HTTP, on SQLite and (with TEST_MYSQL_URL) MariaDB: request ids
 * accepted or made and echoed, one log line per request with the id, path and GraphQL operation but
 * no key or body; /livez and /readyz (failing once draining); Prometheus /metrics after a
 * settlement and an allocation, behind its token.
 */
import { Writable } from "node:stream";
import type { Request } from "express";
import { Principal } from "../src/access/principal";
import { createLogger } from "../src/lib/logger";
import { mayReadMetrics } from "../src/gateway/metrics";
import { testDatabases } from "./support/databases";
import { gql, startTestGateway, type TestGateway } from "./support/gateway";

const METRICS_TOKEN = "metrics-token-for-tests-0123";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A logger whose JSON lines the test reads. */
function capturingLogger() {
  const lines: Array<Record<string, any>> = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split("\n").filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: createLogger("info", destination), lines };
}

const ALLOCATE = `mutation Allocate($id: ID!) { allocateCharity(entitlementId: $id, requestId: "ops-allocation-1", reason: "化解-ops") { allocated } }`;

async function settledHousehold(t: TestGateway): Promise<string> {
  const system = Principal.system("test");
  await t.services.beneficiaries.upsert(system, { id: "OPS-H1", jurisdiction: "yueqing", name: "运维 测试", township: null, identities: [{ category: "DIBAO", from: "2022-01-01", to: null }] });
  await t.services.claims.submit(system, {
    id: "OPS-H1-1",
    beneficiaryId: "OPS-H1",
    date: "2023-05-01",
    kind: "INPATIENT",
    fees: { total: "400000.00", outOfCatalog: "40000.00", classBSelfPay: "10000.00", overStandard: "0.00" },
    reported: { basic: "150000.00", critical: "0.00", commercial: "30000.00" },
  });
  await t.services.settlements.settleClaim(system, "OPS-H1-1");
  return "yueqing:OPS-H1/2023";
}

async function metricsText(t: TestGateway): Promise<string> {
  const response = await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  expect(response.status).toBe(200);
  return response.text();
}

describe.each(testDatabases().map((db) => [db.name, db] as const))("operating the gateway on %s", (_name, database) => {
  let t: TestGateway;
  const { logger, lines } = capturingLogger();
  beforeAll(async () => {
    t = await startTestGateway(database, { logger, metricsToken: METRICS_TOKEN, webhookAllowedTargets: "127.0.0.1" });
  }, 120_000);
  afterAll(async () => {
    if (t && !t.services.dataSource.isInitialized) await t.services.dataSource.initialize();
    await t?.stop();
  });

  it("echoes a sane X-Request-Id and makes one for a missing or unsafe one", async () => {
    const given = await fetch(`${t.url}/livez`, { headers: { "x-request-id": "hospital-42:req.7" } });
    expect(given.headers.get("x-request-id")).toBe("hospital-42:req.7");
    const missing = await fetch(`${t.url}/livez`);
    expect(missing.headers.get("x-request-id")).toMatch(UUID);
    for (const unsafe of ["two words", "x".repeat(129), "<script>", "a/b"]) {
      const response = await fetch(`${t.url}/livez`, { headers: { "x-request-id": unsafe } });
      expect(response.headers.get("x-request-id")).toMatch(UUID);
    }
  });

  it("counts a settlement and an allocation once committed, and the request by operation and status", async () => {
    const before = await metricsText(t);
    expect(before).toMatch(/^medassist_settlements_total 0$/m);
    expect(before).toMatch(/^medassist_webhook_queue_depth 0$/m);
    const entitlementId = await settledHousehold(t);
    await gql(t.url, t.keys.charity, `mutation { createCharityFund(input: { id: "OPS-CITY", name: "城市基金", kind: CITY, jurisdiction: "yueqing" }) { id } }`);
    await gql(t.url, t.keys.charity, `mutation { recordFundIncome(input: { requestId: "ops-income-1", fundId: "OPS-CITY", type: DONATION, amount: "1000.00", reason: "捐赠" }) { entryIds } }`);
    const allocated = await gql(t.url, t.keys.charity, ALLOCATE, { id: entitlementId });
    expect(allocated.data).toEqual({ allocateCharity: { allocated: "1000.00" } });

    const after = await metricsText(t);
    expect(after).toMatch(/^medassist_settlements_total 1$/m);
    expect(after).toMatch(/^medassist_charity_allocations_total 1$/m);
    expect(after).toMatch(/^medassist_http_requests_total\{operation="mutation allocateCharity",status="200"\} 1$/m);
    expect(after).toMatch(/^medassist_http_request_duration_seconds_count\{operation="mutation allocateCharity"\} 1$/m);
    expect(after).toMatch(/^medassist_active_pack_versions\{jurisdiction="yueqing",version="\d+"\} 1$/m);
  });

  it("labels GraphQL requests by what the schema bounds, never by the client's operation names", async () => {
    for (let i = 0; i < 120; i++) await gql(t.url, t.keys.charity, `query Spam${i} { charityFunds { id } }`);
    await gql(t.url, t.keys.charity, `query Both { charityFunds { id } x: charityFunds { id } rulePacks { id } }`);
    await gql(t.url, t.keys.charity, `query Broken { charityFunds { nope } }`);
    const text = await metricsText(t);
    expect(text).not.toMatch(/Spam|Both|Broken|other/);
    expect(text).toMatch(/^medassist_http_requests_total\{operation="query charityFunds",status="200"\} 120$/m);
    expect(text).toMatch(/^medassist_http_requests_total\{operation="query charityFunds\+",status="200"\} 1$/m);
    expect(text).toMatch(/^medassist_http_requests_total\{operation="unresolved",status="400"\} 1$/m);
  });

  it("reports waiting webhook deliveries as the queue depth", async () => {
    const subscribed = await gql(t.url, t.keys.partner, `mutation { subscribeWebhook(url: "http://127.0.0.1:9/hook", events: ["charity.allocated"]) { id } }`);
    expect(subscribed.errors).toBeUndefined();
    await gql(t.url, t.keys.charity, `mutation { recordFundIncome(input: { requestId: "ops-income-2", fundId: "OPS-CITY", type: DONATION, amount: "500.00", reason: "捐赠" }) { entryIds } }`);
    const allocated = await gql(t.url, t.keys.charity, ALLOCATE.replace("ops-allocation-1", "ops-allocation-2"), { id: "yueqing:OPS-H1/2023" });
    expect(allocated.data).toEqual({ allocateCharity: { allocated: "500.00" } });
    const depth = Number(/^medassist_webhook_queue_depth (\d+)$/m.exec(await metricsText(t))![1]);
    expect(depth).toBeGreaterThan(0);
  });

  it("logs each request once with its id, path without the query and operation name, never the key or the body", async () => {
    const response = await fetch(`${t.url}/graphql?key=${t.keys.charity}`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${t.keys.charity}`, "x-request-id": "log-check-1" },
      body: JSON.stringify({ query: `query CharityFunds { charityFunds { id name } }` }),
    });
    expect(response.status).toBe(200);
    const mine = lines.filter((line) => line.reqId === "log-check-1");
    expect(mine).toEqual([expect.objectContaining({ msg: "request", method: "POST", path: "/graphql", operation: "CharityFunds", status: 200 })]);
    const text = JSON.stringify(mine);
    expect(text).not.toContain(t.keys.charity);
    expect(text).not.toMatch(/authorization|bearer|charityFunds \{/i);
  });

  it("keeps /metrics to holders of the token (or loopback callers when there is none)", async () => {
    expect((await fetch(`${t.url}/metrics`)).status).toBe(403);
    expect((await fetch(`${t.url}/metrics`, { headers: { authorization: "Bearer wrong-token-wrong-token" } })).status).toBe(403);
    const from = (remoteAddress: string) => ({ socket: { remoteAddress }, headers: {} }) as unknown as Request;
    expect(mayReadMetrics(from("127.0.0.1"), null)).toBe(true);
    expect(mayReadMetrics(from("::ffff:127.0.0.1"), null)).toBe(true);
    expect(mayReadMetrics(from("::1"), null)).toBe(true);
    expect(mayReadMetrics(from("10.0.0.5"), null)).toBe(false);
    expect(mayReadMetrics(from("127.0.0.1"), METRICS_TOKEN)).toBe(false);
  });

  it("is live and ready; once draining it is live but not ready, and /healthz is unchanged", async () => {
    expect(await (await fetch(`${t.url}/livez`)).json()).toEqual({ status: "ok" });
    const ready = await fetch(`${t.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: "ready" });
    t.gateway.drain();
    const draining = await fetch(`${t.url}/readyz`);
    expect(draining.status).toBe(503);
    expect(await draining.json()).toEqual({ status: "draining" });
    expect((await fetch(`${t.url}/livez`)).status).toBe(200);
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
  });

  it("puts the request id on every line logged while serving it", async () => {
    await t.services.dataSource.destroy();
    const response = await fetch(`${t.url}/healthz`, { headers: { "x-request-id": "db-down-1" } });
    expect(response.status).toBe(503);
    const mine = lines.filter((line) => line.reqId === "db-down-1");
    expect(mine.map((line) => line.msg)).toEqual(["health check: database unreachable", "request failed"]);
  });
});
