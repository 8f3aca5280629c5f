/**
 * The charity keeps its entitlements from settlement.recorded events (issue 14, item 4), on SQLite
 * and (with TEST_MYSQL_URL) MariaDB: an event applied twice counts once; with the charity's
 * consumer stopped, settling goes on and the entitlements catch up when it starts again, equal to
 * those of an uninterrupted run; and with the charity in a process of its own (its own database,
 * `POST /events`), events wait while it is down, arrive in order when it is up, and an unsigned or
 * forged delivery is refused without changing anything.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { Principal } from "../src/access/principal";
import { PRINCIPAL_HEADER, signPrincipal } from "../src/access/principal-token";
import { Money } from "../src/lib/money";
import { createLogger } from "../src/lib/logger";
import { openServices } from "../src/gateway/bootstrap";
import type { Services } from "../src/gateway/services";
import { EntitlementEntity } from "../src/charity/charity.entity";
import { CharitySettledClaimEntity } from "../src/charity/settled-claim.entity";
import { charityForSettlementsRouter } from "../src/charity/settlement-intake";
import { OutboxEventEntity } from "../src/outbox/outbox.entity";
import { SETTLEMENT_RECORDED, type SettlementRecorded } from "../src/outbox/settlement-recorded";
import { checkData } from "../src/invariants/check-data";
import { testDatabases, type TestDatabase } from "./support/databases";

const system = Principal.system("test");
const logger = createLogger("silent");
const SECRET = "a-test-subgraph-secret-of-at-least-32-chars";

/**
 * A year of two 乐清 低保 households: bills whose charity tier opens an entitlement, one settled
 * partially until the insurer reports (staged settlement), and an earlier bill arriving last (the
 * year settled again, settlements superseded).
 */
async function workload(s: Services): Promise<void> {
  const bill = async (id: string, beneficiaryId: string, date: string, commercial: string | null) => {
    await s.claims.submit(system, {
      id,
      beneficiaryId,
      date,
      kind: "INPATIENT",
      fees: { total: "400000.00", outOfCatalog: "40000.00", classBSelfPay: "10000.00", overStandard: "0.00" },
      reported: commercial === null ? { basic: "150000.00", critical: "0.00" } : { basic: "150000.00", critical: "0.00", commercial },
    });
    await s.settlements.settleClaim(system, id);
  };
  for (const id of ["EV-1", "EV-2"]) {
    await s.beneficiaries.upsert(system, { id, jurisdiction: "yueqing", name: `户 ${id}`, township: "柳市镇", identities: [{ category: "DIBAO", from: "2022-01-01", to: null }] });
  }
  await bill("EV-1-1", "EV-1", "2023-05-01", "30000.00");
  await bill("EV-1-2", "EV-1", "2023-08-01", null);
  await s.settlements.reportTier(system, "EV-1-2", "commercial", new Money("20000.00"));
  await bill("EV-2-1", "EV-2", "2023-09-01", "30000.00");
  await bill("EV-2-2", "EV-2", "2023-03-01", "10000.00");
}

/** The charity's figures: each entitlement's amount, and the record's current settlements per claim. */
async function charityFigures(s: Services): Promise<{ entitlements: Record<string, string>; current: Record<string, string> }> {
  const manager = s.dataSource.manager;
  const entitlements = Object.fromEntries((await manager.find(EntitlementEntity, { order: { id: "ASC" } })).map((e) => [e.id, e.amount.toFixed(2)]));
  const current = Object.fromEntries((await manager.find(CharitySettledClaimEntity, { where: { status: "CURRENT" }, order: { claimId: "ASC" } })).map((c) => [c.claimId, `${c.complete ? "complete" : "partial"} ${c.charity.toFixed(2)}`]));
  return { entitlements, current };
}

async function open(database: TestDatabase, options: Parameters<typeof openServices>[3] = {}): Promise<Services> {
  return openServices(await database.create(), logger, undefined, { scenariosDir: null, charityRetryBaseMillis: 20, charityRetryMaxMillis: 500, ...options });
}

async function close(s: Services, database: TestDatabase): Promise<void> {
  await s.charityEvents.stop();
  await s.dataSource.destroy();
  await database.drop();
}

/** Listens on a port; closing and listening again on the same port is the charity restarting. */
function listen(app: express.Express, port = 0): Promise<http.Server> {
  return new Promise((resolve) => {
    const server = app.listen(port, "127.0.0.1", () => resolve(server));
  });
}

function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

describe.each(testDatabases().map((db) => [db.name, db] as const))("charity from settlement events on %s", (name) => {
  const databases = () => testDatabases().find((d) => d.name === name)!;
  let reference: Services;
  let referenceDb: TestDatabase;
  let expected: Awaited<ReturnType<typeof charityFigures>>;

  beforeAll(async () => {
    referenceDb = databases();
    reference = await open(referenceDb);
    await workload(reference);
    // In one process a settlement's events are applied before the call returns: nothing to wait for.
    expect(await reference.charityEvents.pending()).toBe(0);
    expected = await charityFigures(reference);
  }, 120_000);

  afterAll(async () => {
    if (reference) await close(reference, referenceDb);
  });

  it("the uninterrupted run: entitlements of complete settlements only, and check-data agrees", async () => {
    // Figures of test/scenarios/yueqing (低保, 400,000 bills): charity 70,000 per bill reported with commercial 30,000.
    expect(expected.entitlements["yueqing:EV-1/2023"]).toBeDefined();
    expect(Object.keys(expected.current).sort()).toEqual(["yueqing:EV-1-1", "yueqing:EV-1-2", "yueqing:EV-2-1", "yueqing:EV-2-2"]);
    expect(Object.values(expected.current).every((c) => c.startsWith("complete"))).toBe(true);
    const lines: string[] = [];
    await checkData(reference.dataSource, (line) => lines.push(line));
    expect(lines).toEqual([]);
  });

  it("applies the same event twice once", async () => {
    const before = await charityFigures(reference);
    const events = await reference.dataSource.manager.find(OutboxEventEntity, { where: { topic: SETTLEMENT_RECORDED }, order: { sequence: "ASC" } });
    expect(events.length).toBeGreaterThan(4);
    for (const event of events) expect(await reference.charity.applySettlementEvent(JSON.parse(event.payload) as SettlementRecorded, event.sequence)).toBe(false);
    expect(await charityFigures(reference)).toEqual(before);
  });

  it("catches up after its consumer was stopped: the same entitlements as the uninterrupted run", async () => {
    const db = databases();
    const s = await open(db);
    try {
      await s.charityEvents.stop();
      await workload(s);
      // Settling went on; the charity has heard nothing yet.
      expect(await s.charityEvents.pending()).toBeGreaterThan(4);
      expect((await charityFigures(s)).entitlements).toEqual({});
      s.charityEvents.start(logger, 20);
      await s.charityEvents.drain();
      expect(await charityFigures(s)).toEqual(expected);
      const lines: string[] = [];
      await checkData(s.dataSource, (line) => lines.push(line));
      expect(lines).toEqual([]);
    } finally {
      await close(s, db);
    }
  }, 120_000);

  it("with the charity in its own process and database: waits while it is down, catches up when it returns, refuses unsigned events", async () => {
    const charityDb = databases();
    const charity = await open(charityDb);
    const app = express();
    app.use(charityForSettlementsRouter(charity.charity, SECRET, logger));
    // A port that nothing listens on yet: the charity is down.
    const probe = await listen(app);
    const port = (probe.address() as AddressInfo).port;
    await closeServer(probe);
    const settlementsDb = databases();
    const settlements = await open(settlementsDb, { remoteCharity: { eventsUrl: `http://127.0.0.1:${port}/events`, allocationsUrl: `http://127.0.0.1:${port}/allocations`, secret: SECRET } });
    let server: http.Server | null = null;
    try {
      settlements.charityEvents.start(logger, 20);
      await workload(settlements);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(await settlements.charityEvents.pending()).toBeGreaterThan(4);
      expect((await charityFigures(charity)).entitlements).toEqual({});

      server = await listen(app, port);
      await settlements.charityEvents.drain(20_000).catch(async (error) => {
        throw new Error(`${error}: ${JSON.stringify(await settlements.dataSource.query("SELECT * FROM outbox_pending"))}`);
      });
      expect(await charityFigures(charity)).toEqual(expected);
      // The charity's database has no settlements, and check-data there checks its own record.
      const lines: string[] = [];
      const summary = await checkData(charity.dataSource, (line) => lines.push(line));
      expect(lines).toEqual([]);
      expect(summary.entitlements).toBe(Object.keys(expected.entitlements).length);

      // Unsigned, forged, or signed by another principal: refused, nothing changes.
      const [event] = await settlements.dataSource.manager.find(OutboxEventEntity, { where: { topic: SETTLEMENT_RECORDED }, order: { sequence: "ASC" }, take: 1 });
      const forgedData = { ...(JSON.parse(event.payload) as SettlementRecorded), settlementId: "forged-settlement", claimId: "yueqing:EV-1-9" };
      const body = JSON.stringify({ events: [{ id: "ev_forged", sequence: 999999, topic: SETTLEMENT_RECORDED, jurisdiction: "yueqing", aggregateId: forgedData.beneficiaryId, occurredAt: event.createdAt, data: forgedData }] });
      const post = (headers: Record<string, string>) => fetch(`http://127.0.0.1:${port}/events`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
      expect((await post({})).status).toBe(401);
      expect((await post({ [PRINCIPAL_HEADER]: signPrincipal(Principal.system("settlements"), "another-secret-of-at-least-32-characters") })).status).toBe(401);
      expect((await post({ [PRINCIPAL_HEADER]: signPrincipal(Principal.system("someone-else"), SECRET) })).status).toBe(403);
      expect(await charity.dataSource.manager.countBy(CharitySettledClaimEntity, { settlementId: "forged-settlement" })).toBe(0);
      expect(await charityFigures(charity)).toEqual(expected);
    } finally {
      if (server) await closeServer(server);
      await close(settlements, settlementsDb);
      await close(charity, charityDb);
    }
  }, 120_000);
});
