/**
 * With the charity in a process of its own (issue 14, item 4), settlements' WOULD_REVERSE_PAID guard
 * asks it over HTTP what it allocated to a household-year, on SQLite and (with TEST_MYSQL_URL)
 * MariaDB: a record change that would take an allocation back is refused naming it; with the
 * charity down or too slow, the change is refused with CHARITY_UNAVAILABLE (503) and nothing is
 * stored, while settling a bill, which needs no answer, goes on; the route answers only settlements.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { Principal } from "../src/access/principal";
import { PRINCIPAL_HEADER, signPrincipal } from "../src/access/principal-token";
import { DomainError, httpStatusOf } from "../src/lib/errors";
import { createLogger } from "../src/lib/logger";
import { openServices } from "../src/gateway/bootstrap";
import type { Services, ServiceOptions } from "../src/gateway/services";
import { entitlementIdOf } from "../src/charity/charity.service";
import { charityForSettlementsRouter } from "../src/charity/settlement-intake";
import { CategoryPeriodEntity } from "../src/beneficiary/beneficiary.entity";
import { SettlementEntity } from "../src/settlement/settlement.entity";
import { testDatabases, type TestDatabase } from "./support/databases";

const system = Principal.system("test");
const charityWorker = new Principal("charity-worker", "CHARITY", []);
const logger = createLogger("silent");
const SECRET = "a-test-subgraph-secret-of-at-least-32-chars";
const TIMEOUT_MILLIS = 500;
const HOUSEHOLD = { id: "RA-1", jurisdiction: "yueqing", name: "户 RA-1", township: "柳市镇" };
/** Ending 低保 before the settled year: the year is settled again without its category, the charity line with it. */
const CATEGORY_ENDED = { beneficiaryId: HOUSEHOLD.id, category: "DIBAO", from: "2022-01-01", to: "2022-12-31", reason: "低保认定有误 / certified in error" };

function listen(handler: http.RequestListener): Promise<http.Server> {
  return new Promise((resolve) => {
    const server = http.createServer(handler).listen(0, "127.0.0.1", () => resolve(server));
  });
}

function closeServer(server: http.Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

const portOf = (server: http.Server) => (server.address() as AddressInfo).port;

async function refusal(work: Promise<unknown>): Promise<DomainError> {
  const error = await work.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
}

describe.each(testDatabases().map((db) => [db.name, db] as const))("settlements asking a charity process what it allocated, on %s", (name) => {
  const database = () => testDatabases().find((d) => d.name === name)!;
  let charityDb: TestDatabase;
  let settlementsDb: TestDatabase;
  let charity: Services;
  let settlements: Services;
  let server: http.Server | null = null;
  let allocationsUrl: string;

  /** A settlements process on `db`, asking the charity at `url` (its events go to the same place). */
  async function openSettlements(db: TestDatabase, url: string): Promise<Services> {
    const options: ServiceOptions = { scenariosDir: null, charityRetryBaseMillis: 20, charityRetryMaxMillis: 200, remoteCharity: { eventsUrl: `${url}/events`, allocationsUrl: `${url}/allocations`, secret: SECRET, timeoutMillis: TIMEOUT_MILLIS } };
    return openServices(await db.create(), logger, undefined, options);
  }

  const bill = async (id: string, date: string) => {
    await settlements.claims.submit(system, {
      id,
      beneficiaryId: HOUSEHOLD.id,
      date,
      kind: "INPATIENT",
      fees: { total: "400000.00", outOfCatalog: "40000.00", classBSelfPay: "10000.00", overStandard: "0.00" },
      reported: { basic: "150000.00", critical: "0.00", commercial: "30000.00" },
    });
    await settlements.settlements.settleClaim(system, id);
  };

  /** What a refused change must leave as it was: the household's categories and settlements. */
  const stored = async () => ({
    periods: (await settlements.dataSource.manager.findBy(CategoryPeriodEntity, { beneficiaryId: `yueqing:${HOUSEHOLD.id}` })).map((p) => `${p.category} ${p.fromDate} ${p.toDate} ${p.retractedAt}`),
    settlements: (await settlements.dataSource.manager.find(SettlementEntity, { order: { id: "ASC" } })).map((s) => `${s.id} ${s.status}`),
  });

  beforeAll(async () => {
    charityDb = database();
    settlementsDb = database();
    charity = await openServices(await charityDb.create(), logger, undefined, { scenariosDir: null });
    const app = express();
    app.use(charityForSettlementsRouter(charity.charity, SECRET, logger));
    server = await listen(app);
    const url = `http://127.0.0.1:${portOf(server)}`;
    allocationsUrl = `${url}/allocations`;
    settlements = await openSettlements(settlementsDb, url);
    settlements.charityEvents.start(logger, 20);
    await settlements.beneficiaries.upsert(system, { ...HOUSEHOLD, identities: [{ category: "DIBAO", from: "2022-01-01", to: null }] });
    await bill("RA-1-1", "2023-05-01");
    await settlements.charityEvents.drain();
    // The charity, in its process, allocates part of the entitlement the event opened.
    await charity.charity.createFund(system, { id: "ra-city", name: "乐清市慈善总会（远程测试）", kind: "CITY", jurisdiction: "yueqing" });
    await charity.charity.recordIncome(system, { requestId: "ra-income-1", fundId: "ra-city", type: "DONATION", amount: "50000.00", reason: "捐赠" });
    await charity.charity.allocate(charityWorker, { requestId: "ra-allocate-1", entitlementId: entitlementIdOf(`yueqing:${HOUSEHOLD.id}`, 2023), plan: [{ fundId: "ra-city", amount: "50000.00" }], reason: "化解" });
  }, 180_000);

  afterAll(async () => {
    if (server) await closeServer(server);
    for (const [s, db] of [
      [settlements, settlementsDb],
      [charity, charityDb],
    ] as const) {
      if (!s) continue;
      await s.charityEvents.stop();
      await s.dataSource.destroy();
      await db.drop();
    }
  });

  it("answers only settlements, signed: what was allocated to the household-year", async () => {
    const url = `${allocationsUrl}/${encodeURIComponent(`yueqing:${HOUSEHOLD.id}`)}/2023`;
    const get = (token?: string) => fetch(url, { headers: token ? { [PRINCIPAL_HEADER]: token } : {} });
    expect((await get()).status).toBe(401);
    expect((await get(signPrincipal(Principal.system("settlements"), "another-secret-of-at-least-32-characters"))).status).toBe(401);
    expect((await get(signPrincipal(Principal.system("someone-else"), SECRET))).status).toBe(403);
    const answer = await get(signPrincipal(Principal.system("settlements"), SECRET));
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ beneficiaryId: `yueqing:${HOUSEHOLD.id}`, year: 2023, allocated: "50000.00" });
  });

  it("refuses a record change that would take the charity's allocation back, naming it", async () => {
    const before = await stored();
    const error = await refusal(settlements.beneficiaries.endPeriod(system, CATEGORY_ENDED));
    expect(error.code).toBe("WOULD_REVERSE_PAID");
    expect(error.details).toContainEqual(expect.stringMatching(/^2023 charity: allocated 50000\.00, entitlement would be /));
    expect(await stored()).toEqual(before);
  });

  it("with the charity down: the change is refused CHARITY_UNAVAILABLE (503), confirmed or not, and nothing is stored; a bill is still settled", async () => {
    await closeServer(server!);
    server = null;
    const before = await stored();
    for (const confirmReversal of [false, true]) {
      const error = await refusal(settlements.beneficiaries.endPeriod(system, { ...CATEGORY_ENDED, confirmReversal }));
      expect([error.code, error.field, httpStatusOf(error.code)]).toEqual(["CHARITY_UNAVAILABLE", "input", 503]);
      expect(error.message).toContain(`${HOUSEHOLD.id} in 2023`);
    }
    expect(await stored()).toEqual(before);
    // Settling needs no answer from the charity: its event waits in the outbox.
    await bill("RA-1-2", "2023-09-01");
    expect(await settlements.charityEvents.pending()).toBeGreaterThan(0);
  });

  it("with a charity that does not answer in time: refused CHARITY_UNAVAILABLE after the timeout", async () => {
    // Accepts the connection and never answers.
    const silent = await listen(() => undefined);
    const slowDb = database();
    const slow = await openSettlements(slowDb, `http://127.0.0.1:${portOf(silent)}`);
    try {
      await slow.beneficiaries.upsert(system, { ...HOUSEHOLD, identities: [{ category: "DIBAO", from: "2022-01-01", to: null }] });
      await slow.claims.submit(system, { id: "RA-1-1", beneficiaryId: HOUSEHOLD.id, date: "2023-05-01", kind: "INPATIENT", fees: { total: "400000.00", outOfCatalog: "40000.00", classBSelfPay: "10000.00", overStandard: "0.00" }, reported: { basic: "150000.00", critical: "0.00", commercial: "30000.00" } });
      await slow.settlements.settleClaim(system, "RA-1-1");
      const started = Date.now();
      const error = await refusal(slow.beneficiaries.endPeriod(system, CATEGORY_ENDED));
      expect(error.code).toBe("CHARITY_UNAVAILABLE");
      expect(Date.now() - started).toBeGreaterThanOrEqual(TIMEOUT_MILLIS - 50);
      expect(Date.now() - started).toBeLessThan(TIMEOUT_MILLIS + 5000);
    } finally {
      await slow.charityEvents.stop();
      await slow.dataSource.destroy();
      await slowDb.drop();
      await closeServer(silent);
    }
  }, 120_000);
});
