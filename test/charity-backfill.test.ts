/**
 * Upgrading a database from before the charity kept its own record of settled claims loses
 * nothing (issue 14, item 4), on SQLite and (with TEST_MYSQL_URL) MariaDB. The database is brought
 * to the previous migration with a household settled, its charity entitlement allocated; the
 * upgrade's first start publishes an event for every current settlement, once; one more bill then
 * leaves the entitlement the sum over all the household-year's current complete settlements, the
 * allocation standing, and check-data clean.
 */
import type { DataSource } from "typeorm";
import { Principal } from "../src/access/principal";
import { Money, ZERO, sumMoney } from "../src/lib/money";
import { createLogger } from "../src/lib/logger";
import type { DatabaseConfig } from "../src/lib/config";
import { openDatabase, openServices } from "../src/gateway/bootstrap";
import { MIGRATIONS } from "../src/gateway/schema-parts";
import type { Services } from "../src/gateway/services";
import { EntitlementEntity } from "../src/charity/charity.entity";
import { entitlementIdOf } from "../src/charity/charity.service";
import { CharitySettledClaimEntity } from "../src/charity/settled-claim.entity";
import { SettlementEntity, SettlementLineEntity } from "../src/settlement/settlement.entity";
import { OutboxEventEntity } from "../src/outbox/outbox.entity";
import { SETTLEMENT_RECORDED } from "../src/outbox/settlement-recorded";
import { checkData } from "../src/invariants/check-data";
import { testDatabases } from "./support/databases";

const system = Principal.system("test");
const charityWorker = new Principal("charity-worker", "CHARITY", ["yueqing"]);
const logger = createLogger("silent");
const HOUSEHOLD = "yueqing:BF-1";
const YEAR = 2023;
const ENTITLEMENT = entitlementIdOf(HOUSEHOLD, YEAR);

function open(config: DatabaseConfig): Promise<Services> {
  return openServices(config, logger, undefined, { scenariosDir: null });
}

async function close(s: Services): Promise<void> {
  await s.charityEvents.stop();
  await s.dataSource.destroy();
}

/** A 低保 household's inpatient bill of 400,000 with the insurer's commercial payment reported: its charity tier pays. */
async function settleBill(s: Services, id: string, date: string): Promise<void> {
  await s.claims.submit(system, {
    id,
    beneficiaryId: "BF-1",
    date,
    kind: "INPATIENT",
    fees: { total: "400000.00", outOfCatalog: "40000.00", classBSelfPay: "10000.00", overStandard: "0.00" },
    reported: { basic: "150000.00", critical: "0.00", commercial: "30000.00" },
  });
  await s.settlements.settleClaim(system, id);
}

/** The sum of the charity lines of the household-year's current settlements, from settlements' own tables (all complete here). */
async function charityOfCurrentSettlements(dataSource: DataSource): Promise<Money> {
  const current = await dataSource.manager.findBy(SettlementEntity, { beneficiaryId: HOUSEHOLD, year: YEAR, status: "CURRENT" });
  const lines = await Promise.all(current.map((s) => dataSource.manager.findOneBy(SettlementLineEntity, { settlementId: s.id, tier: "charity" })));
  return sumMoney(lines.map((line) => line?.amount ?? ZERO));
}

async function violations(dataSource: DataSource): Promise<string[]> {
  const lines: string[] = [];
  await checkData(dataSource, (line) => lines.push(line));
  return lines;
}

describe.each(testDatabases().map((db) => [db.name, db] as const))("upgrading a database with settlements to the charity's own record on %s", (_name, database) => {
  let config: DatabaseConfig;
  beforeAll(async () => {
    config = await database.create();
  });
  afterAll(() => database.drop());

  it("publishes every current settlement once; the next bill's entitlement counts them all", async () => {
    // Before: two bills settled and 50,000 allocated, by the code of this branch; then the branch
    // taken away (its events deleted, its migration reverted), leaving what the code before it left:
    // settlements, an entitlement of their charity lines, an allocation, and no charity record.
    let s = await open(config);
    await s.beneficiaries.upsert(system, { id: "BF-1", jurisdiction: "yueqing", name: "户 BF-1", township: "柳市镇", identities: [{ category: "DIBAO", from: "2022-01-01", to: null }] });
    await settleBill(s, "BF-1-1", "2023-03-01");
    await settleBill(s, "BF-1-2", "2023-06-01");
    await s.charity.createFund(system, { id: "bf-city", name: "乐清市慈善总会（回填测试）", kind: "CITY", jurisdiction: "yueqing" });
    await s.charity.recordIncome(system, { requestId: "bf-income-1", fundId: "bf-city", type: "DONATION", amount: "50000.00", reason: "捐赠" });
    const allocation = await s.charity.allocate(charityWorker, { requestId: "bf-allocate-1", entitlementId: ENTITLEMENT, plan: [{ fundId: "bf-city", amount: "50000.00" }], reason: "化解" });
    expect(allocation.allocated).toBe("50000.00");
    const before = (await s.dataSource.manager.findOneByOrFail(EntitlementEntity, { id: ENTITLEMENT })).amount;
    expect(before.equals(await charityOfCurrentSettlements(s.dataSource))).toBe(true);
    await s.charityEvents.stop();
    await s.dataSource.manager.delete(OutboxEventEntity, { topic: SETTLEMENT_RECORDED });
    // Reverted back to just before the charity's record (later migrations first).
    const charityRecord = MIGRATIONS.findIndex((m) => m.name === "CharitySettledClaims1732280000000");
    const appliedNames = async () => (await s.dataSource.query("SELECT name FROM migrations ORDER BY id")).map((row: { name: string }) => row.name);
    while ((await appliedNames()).includes(MIGRATIONS[charityRecord].name)) await s.dataSource.undoLastMigration({ transaction: "each" });
    expect(await appliedNames()).toEqual(MIGRATIONS.slice(0, charityRecord).map((m) => m.name));
    await s.dataSource.destroy();

    // The upgrade: the migration asks for the backfill (check-data says so until it is done), the first start publishes it.
    const migrated = await openDatabase(config);
    expect(await violations(migrated)).toEqual([expect.stringContaining("outbox backfill for charity")]);
    await migrated.destroy();
    s = await open(config);
    try {
      await s.charityEvents.drain();
      const recorded = await s.dataSource.manager.find(CharitySettledClaimEntity, { where: { beneficiaryId: HOUSEHOLD, status: "CURRENT" }, order: { claimId: "ASC" } });
      expect(recorded.map((r) => r.claimId)).toEqual(["yueqing:BF-1-1", "yueqing:BF-1-2"]);
      const upgraded = await s.dataSource.manager.findOneByOrFail(EntitlementEntity, { id: ENTITLEMENT });
      expect(upgraded.amount.equals(before)).toBe(true);
      expect(upgraded.allocated.toFixed(2)).toBe("50000.00");
      expect(await violations(s.dataSource)).toEqual([]);

      await settleBill(s, "BF-1-3", "2023-09-01");
      const after = await s.dataSource.manager.findOneByOrFail(EntitlementEntity, { id: ENTITLEMENT });
      const expected = await charityOfCurrentSettlements(s.dataSource);
      expect(after.amount.equals(expected)).toBe(true);
      expect(after.amount.greaterThan(before)).toBe(true);
      expect(after.allocated.toFixed(2)).toBe("50000.00");
      expect(await violations(s.dataSource)).toEqual([]);
    } finally {
      await close(s);
    }

    // Started again: nothing is published twice.
    const events = async (dataSource: DataSource) => dataSource.manager.countBy(OutboxEventEntity, { topic: SETTLEMENT_RECORDED });
    s = await open(config);
    try {
      const count = await events(s.dataSource);
      expect(await s.backfillCharityEvents()).toBeNull();
      expect(await events(s.dataSource)).toBe(count);
      expect(await violations(s.dataSource)).toEqual([]);
    } finally {
      await close(s);
    }
  }, 120_000);

  it("on a new database the request is closed at the first start with nothing to publish", async () => {
    const fresh = testDatabases().find((d) => d.name === database.name)!;
    const s = await open(await fresh.create());
    try {
      expect(await s.dataSource.query("SELECT consumer, events FROM outbox_backfills")).toEqual([{ consumer: "charity", events: 0 }]);
      expect(await s.backfillCharityEvents()).toBeNull();
    } finally {
      await close(s);
      await fresh.drop();
    }
  }, 120_000);
});
