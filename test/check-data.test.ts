/**
 * `check-data` on SQLite and (with TEST_MYSQL_URL) MariaDB: after a workload of settlements (a late
 * earlier bill that replays the year, charity entitlements, allocations and a reversal) it finds
 * nothing; a row corrupted directly in SQL is reported, and the command exits 1 with its summary.
 * The command must be built first (`npx tsc -p tsconfig.json`, which `npm test` runs).
 */
import { Principal } from "../src/access/principal";
import { checkData, type CheckSummary } from "../src/invariants/check-data";
import { SettlementEntity, SettlementLineEntity } from "../src/settlement/settlement.entity";
import { LedgerEntryEntity } from "../src/charity/charity.entity";
import { CharitySettledClaimEntity } from "../src/charity/settled-claim.entity";
import { testDatabases } from "./support/databases";
import { gql, startTestGateway, type TestGateway } from "./support/gateway";
import { distScript, runToEnd } from "./support/processes";

const system = Principal.system("test");

/** A 乐清 低保 household with bills of these dates, submitted and settled in the order given. */
async function household(t: TestGateway, id: string, dates: string[]): Promise<void> {
  await t.services.beneficiaries.upsert(system, { id, jurisdiction: "yueqing", name: id, township: "柳市镇", identities: [{ category: "DIBAO", from: "2022-01-01", to: null }] });
  for (const [i, date] of dates.entries()) {
    await t.services.claims.submit(system, {
      id: `${id}-${i + 1}`,
      beneficiaryId: id,
      date,
      kind: "INPATIENT",
      fees: { total: "200000.00", outOfCatalog: "20000.00", classBSelfPay: "5000.00", overStandard: "0.00" },
      reported: { basic: "80000.00", critical: "0.00", commercial: "10000.00" },
    });
    await t.services.settlements.settleClaim(system, `${id}-${i + 1}`);
  }
}

async function charity(t: TestGateway, query: string, input: Record<string, unknown>): Promise<any> {
  const result = await gql(t.url, t.keys.charity, query, { input });
  expect(result.errors).toBeUndefined();
  return result.data;
}

async function check(t: TestGateway): Promise<{ summary: CheckSummary; lines: string[] }> {
  const lines: string[] = [];
  const summary = await checkData(t.services.dataSource, (line) => lines.push(line));
  return { summary, lines };
}

describe.each(testDatabases().map((db) => [db.name, db] as const))("check-data on %s", (_name, database) => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway(database);
    await household(t, "CD-1", ["2023-03-01", "2023-08-01"]);
    // The earlier bill arrives last: the year is settled again, with adjustments.
    await household(t, "CD-2", ["2023-09-01", "2023-10-01", "2023-02-01"]);
    await household(t, "CD-3", ["2024-01-15"]);
    await charity(t, `mutation ($input: CharityFundInput!) { createCharityFund(input: $input) { id } }`, { id: "CD-CITY", name: "城市基金", kind: "CITY", jurisdiction: "yueqing" });
    await charity(t, `mutation ($input: FundIncomeInput!) { recordFundIncome(input: $input) { entryIds } }`, { requestId: "cd-income-1", fundId: "CD-CITY", type: "DONATION", amount: "500000.00", reason: "捐赠" });
    const allocate = `mutation ($id: ID!, $requestId: String!, $plan: [AllocationPlanPart!]) { allocateCharity(entitlementId: $id, requestId: $requestId, reason: "化解", plan: $plan) { parts { entryId } } }`;
    const plan = (amount: string) => [{ fundId: "CD-CITY", amount }];
    const first = await gql(t.url, t.keys.charity, allocate, { id: "yueqing:CD-1/2023", requestId: "cd-alloc-1", plan: plan("1000.00") });
    expect(first.errors).toBeUndefined();
    const second = await gql(t.url, t.keys.charity, allocate, { id: "yueqing:CD-2/2023", requestId: "cd-alloc-2", plan: plan("2000.00") });
    expect(second.errors).toBeUndefined();
    await charity(t, `mutation ($input: ReversalInput!) { reverseLedgerEntry(input: $input) { entryIds } }`, { requestId: "cd-reverse-1", entryId: first.data!.allocateCharity.parts[0].entryId, reason: "录错" });
  }, 120_000);
  afterAll(async () => {
    await t?.stop();
  });

  it("finds nothing wrong after the workload, and counts what it checked", async () => {
    const { summary, lines } = await check(t);
    expect(lines).toEqual([]);
    expect(summary.violations).toBe(0);
    // 6 bills, the replayed year superseding at least one settlement; 1 income, 2 allocations, 1 reversal.
    expect(summary.settlements).toBeGreaterThan(6);
    expect(summary.ledgerEntries).toBe(4);
    expect(summary.entitlements).toBeGreaterThanOrEqual(2);
  });

  /** Sets one column of one row, checks, and puts it back. */
  async function corrupted(table: string, column: string, key: string, id: string | number, value: string): Promise<string[]> {
    const [row] = await t.services.dataSource.query(`SELECT ${column} AS v FROM ${table} WHERE ${key} = ?`, [id]);
    await t.services.dataSource.query(`UPDATE ${table} SET ${column} = ? WHERE ${key} = ?`, [value, id]);
    try {
      return (await check(t)).lines;
    } finally {
      await t.services.dataSource.query(`UPDATE ${table} SET ${column} = ? WHERE ${key} = ?`, [row.v, id]);
    }
  }

  it("reports a settlement line's amount changed in SQL", async () => {
    const [settlement] = await t.services.dataSource.manager.find(SettlementEntity, { where: { claimId: "yueqing:CD-1-1", status: "CURRENT" } });
    const line = await t.services.dataSource.manager.findOneByOrFail(SettlementLineEntity, { settlementId: settlement.id, tier: "basic" });
    const lines = await corrupted("settlement_lines", "amount", "id", line.id, line.amount.plus(1).toFixed(2));
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^settlement ${settlement.id}: lines .* ≠ total`)));
    expect(lines).toContainEqual(expect.stringMatching(/^year-to-date yueqing:CD-1\/2023 basic: paid/));
  });

  it("reports a ledger entry's balance changed in SQL", async () => {
    const [entry] = await t.services.dataSource.manager.find(LedgerEntryEntity, { where: { fundId: "CD-CITY" }, order: { id: "ASC" }, take: 1 });
    const lines = await corrupted("fund_ledger", "balance_after", "id", entry.id, "1.00");
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^ledger entry ${entry.id} of fund CD-CITY: balance after 1.00`)));
  });

  it("reports an entitlement's amount changed in SQL", async () => {
    const lines = await corrupted("charity_entitlements", "amount", "id", "yueqing:CD-2/2023", "12.34");
    expect(lines).toContainEqual(expect.stringMatching(/^entitlement yueqing:CD-2\/2023: amount 12.34 ≠ the charity lines/));
  });

  it("checks entitlements against the charity's own record of settled claims, and that record against the settlements", async () => {
    const [recorded] = await t.services.dataSource.manager.find(CharitySettledClaimEntity, { where: { claimId: "yueqing:CD-1-1", status: "CURRENT" } });
    const lines = await corrupted("charity_settled_claims", "charity", "settlement_id", recorded.settlementId, recorded.charity.plus(1).toFixed(2));
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^charity record ${recorded.settlementId}: charity .* ≠ its charity line`)));
    expect(lines).toContainEqual(expect.stringMatching(/^entitlement yueqing:CD-1\/2023: amount .* ≠ the charity lines/));
    const stale = await corrupted("charity_settled_claims", "status", "settlement_id", recorded.settlementId, "SUPERSEDED");
    expect(stale).toContainEqual(expect.stringMatching(new RegExp(`^charity record of yueqing:CD-1: current settlements ${recorded.settlementId} missing`)));
  });

  it("reports a year-to-date paid changed in SQL", async () => {
    const [row] = await t.services.dataSource.query(`SELECT paid FROM year_to_date WHERE beneficiary_id = ? AND year = 2024 AND tier = 'basic'`, ["yueqing:CD-3"]);
    await t.services.dataSource.query(`UPDATE year_to_date SET paid = ? WHERE beneficiary_id = ? AND year = 2024 AND tier = 'basic'`, ["0.01", "yueqing:CD-3"]);
    try {
      const { lines } = await check(t);
      expect(lines).toEqual([expect.stringMatching(/^year-to-date yueqing:CD-3\/2024 basic: paid 0.01 ≠/)]);
      const run = await runToEnd(distScript("check-data"), [], { DATABASE_URL: t.databaseUrl, LOG_LEVEL: "warn" });
      const output = run.stdout.trim().split("\n");
      expect(run.code).toBe(1);
      expect(output[0]).toMatch(/^year-to-date yueqing:CD-3\/2024 basic/);
      expect(output[output.length - 1]).toMatch(/^checked \d+ settlements, 4 ledger entries, \d+ entitlements: 1 violations$/);
    } finally {
      await t.services.dataSource.query(`UPDATE year_to_date SET paid = ? WHERE beneficiary_id = ? AND year = 2024 AND tier = 'basic'`, [row.paid, "yueqing:CD-3"]);
    }
    const clean = await runToEnd(distScript("check-data"), [], { DATABASE_URL: t.databaseUrl, LOG_LEVEL: "warn" });
    expect(clean.code).toBe(0);
    expect(clean.stdout.trim()).toMatch(/^checked \d+ settlements, 4 ledger entries, \d+ entitlements: 0 violations$/);
  }, 120_000);
});

describe.each(testDatabases().map((db) => [db.name, db] as const))("paired assertions where money is written on %s", (_name, database) => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway(database);
    await charity(t, `mutation ($input: CharityFundInput!) { createCharityFund(input: $input) { id } }`, { id: "PA-CITY", name: "城市基金", kind: "CITY", jurisdiction: "yueqing" });
    await charity(t, `mutation ($input: FundIncomeInput!) { recordFundIncome(input: $input) { entryIds } }`, { requestId: "pa-income-1", fundId: "PA-CITY", type: "DONATION", amount: "100.00", reason: "捐赠" });
  }, 120_000);
  afterAll(async () => {
    await t?.stop();
  });

  it("an entry appended to a fund whose stored balance left its ledger is an internal error, and nothing is written", async () => {
    await t.services.dataSource.query(`UPDATE charity_funds SET balance = ? WHERE id = ?`, ["90.00", "PA-CITY"]);
    const income = await gql(t.url, t.keys.charity, `mutation ($input: FundIncomeInput!) { recordFundIncome(input: $input) { entryIds } }`, {
      input: { requestId: "pa-income-2", fundId: "PA-CITY", type: "DONATION", amount: "5.00", reason: "捐赠" },
    });
    expect(income.errors?.[0].extensions?.code).toBe("INTERNAL_SERVER_ERROR");
    expect(await t.services.dataSource.manager.countBy(LedgerEntryEntity, { fundId: "PA-CITY" })).toBe(1);
    const [fund] = await t.services.dataSource.query(`SELECT balance FROM charity_funds WHERE id = ?`, ["PA-CITY"]);
    expect(String(fund.balance)).toBe("90.00");
  });
});
