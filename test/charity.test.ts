/**
 * The charity federation's workflow over HTTP, on SQLite and (with TEST_MYSQL_URL) MariaDB:
 * entitlements opened by settlements, allocations in the pack's fund order or by plan, idempotency,
 * shortfalls, reversals, transfers, reports, the resolution statement (as data and as a page in
 * Chromium), and 100 allocations at once that never overspend.
 */
import { chromium } from "playwright-core";
import { Principal } from "../src/access/principal";
import { ZERO, formatYuan } from "../src/lib/money";
import { EntitlementEntity } from "../src/charity/charity.entity";
import { testDatabases } from "./support/databases";
import { ALLOCATE, checkLedgers, fund, householdWithEntitlement } from "./support/charity";
import { gql, startTestGateway, type TestGateway } from "./support/gateway";
import { chromiumPath, CHROMIUM_ARGS } from "./support/browser";

describe.each(testDatabases().map((db) => [db.name, db] as const))("charity funds on %s", (_name, database) => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway(database);
    await fund(t, "YQ-CITY", "CITY", null, "100000.00");
    await fund(t, "YQ-LIUSHI", "TOWNSHIP", "柳市镇", "30000.00");
  }, 120_000);
  afterAll(async () => {
    await t?.stop();
  });

  it("opens an entitlement when a settlement has a charity tier, listed largest first", async () => {
    const id = await householdWithEntitlement(t, "YQ-H1", "柳市镇");
    const list = await gql(t.url, t.keys.charity, `{ charityEntitlements(jurisdiction: "yueqing") { edges { node { id amount allocated outstanding status } } } }`);
    expect(list.data!.charityEntitlements.edges.map((e: { node: unknown }) => e.node)).toContainEqual({ id, amount: "70000.00", allocated: "0.00", outstanding: "70000.00", status: "OPEN" });
  });

  it("allocates township fund first, then the city fund, recording the rule; a repeat changes nothing", async () => {
    const result = await gql(t.url, t.keys.charity, ALLOCATE, { id: "yueqing:YQ-H1/2023", requestId: "alloc-H1-0001" });
    expect(result.errors).toBeUndefined();
    const allocation = result.data!.allocateCharity;
    expect(allocation.parts.map((p: { fundId: string; amount: string }) => [p.fundId, p.amount])).toEqual([
      ["YQ-LIUSHI", "30000.00"],
      ["YQ-CITY", "40000.00"],
    ]);
    expect(allocation).toMatchObject({ allocated: "70000.00", shortfall: "0.00", fundOrderRule: "yq-fund-order-township-first", fundOrderClause: "乐政办发〔2022〕41号 三(三)11" });
    expect(allocation.entitlement).toEqual({ status: "RESOLVED", allocated: "70000.00", outstanding: "0.00" });
    const again = await gql(t.url, t.keys.charity, ALLOCATE, { id: "yueqing:YQ-H1/2023", requestId: "alloc-H1-0001" });
    expect(again.data!.allocateCharity.parts).toEqual(allocation.parts);
    const other = await gql(t.url, t.keys.charity, ALLOCATE, { id: "yueqing:YQ-H1/2023", requestId: "alloc-H1-0001", plan: [{ fundId: "YQ-CITY", amount: "1.00" }] });
    expect(other.errors?.[0].extensions?.code).toBe("CONFLICT");
    const balances = await checkLedgers(t);
    expect(balances.get("YQ-LIUSHI")!.toFixed(2)).toBe("0.00");
    expect(balances.get("YQ-CITY")!.toFixed(2)).toBe("60000.00");
  });

  it("refuses partner and admin keys", async () => {
    await householdWithEntitlement(t, "YQ-H2", null);
    for (const key of [t.keys.partner, t.keys.admin]) {
      const refused = await gql(t.url, key, ALLOCATE, { id: "yueqing:YQ-H2/2023", requestId: "alloc-H2-refused" });
      expect(refused.errors?.[0].extensions?.code).toBe("FORBIDDEN");
    }
  });

  it("follows an explicit plan and reports what the funds cannot cover as a shortfall", async () => {
    const planned = await gql(t.url, t.keys.charity, ALLOCATE, { id: "yueqing:YQ-H2/2023", requestId: "alloc-H2-0001", plan: [{ fundId: "YQ-CITY", amount: "20000.00" }] });
    expect(planned.data!.allocateCharity).toMatchObject({ allocated: "20000.00", shortfall: "50000.00", fundOrderRule: null, entitlement: { status: "PARTIAL", outstanding: "50000.00" } });
    // The household has no township fund: the rule sends it to the city fund, which holds 40,000.
    const rest = await gql(t.url, t.keys.charity, ALLOCATE, { id: "yueqing:YQ-H2/2023", requestId: "alloc-H2-0002" });
    expect(rest.data!.allocateCharity).toMatchObject({ allocated: "40000.00", shortfall: "10000.00", fundOrderRule: "yq-fund-order-city", entitlement: { status: "PARTIAL", outstanding: "10000.00" } });
    await checkLedgers(t);
  });

  it("reverses an allocation once, giving the money back to the fund and reopening the entitlement", async () => {
    const statement = await gql(t.url, t.keys.charity, `{ resolutionStatement(beneficiaryId: "YQ-H2", year: 2023) { allocations { entryId amount reversed } } }`);
    const entryId = statement.data!.resolutionStatement.allocations[0].entryId;
    const reversal = await gql(t.url, t.keys.charity, `mutation ($input: ReversalInput!) { reverseLedgerEntry(input: $input) { entryIds } }`, { input: { requestId: `reverse-${entryId}-1`, entryId, reason: "录入错误" } });
    expect(reversal.errors).toBeUndefined();
    const twice = await gql(t.url, t.keys.charity, `mutation ($input: ReversalInput!) { reverseLedgerEntry(input: $input) { entryIds } }`, { input: { requestId: `reverse-${entryId}-2`, entryId, reason: "again" } });
    expect(twice.errors?.[0].extensions?.code).toBe("CONFLICT");
    const entitlement = await t.services.dataSource.manager.findOneByOrFail(EntitlementEntity, { id: "yueqing:YQ-H2/2023" });
    expect(entitlement.allocated.toFixed(2)).toBe("40000.00");
    expect(entitlement.status).toBe("PARTIAL");
    const balances = await checkLedgers(t);
    expect(balances.get("YQ-CITY")!.toFixed(2)).toBe("20000.00");
  });

  it("transfers between funds as two entries, never beyond the balance", async () => {
    const tooMuch = await gql(t.url, t.keys.charity, `mutation ($input: FundTransferInput!) { transferBetweenFunds(input: $input) { entryIds } }`, {
      input: { requestId: "transfer-0001", fromFundId: "YQ-CITY", toFundId: "YQ-LIUSHI", amount: "20000.01", reason: "调剂" },
    });
    expect(tooMuch.errors?.[0].extensions?.code).toBe("INCONSISTENT_FEES");
    const ok = await gql(t.url, t.keys.charity, `mutation ($input: FundTransferInput!) { transferBetweenFunds(input: $input) { entryIds } }`, {
      input: { requestId: "transfer-0002", fromFundId: "YQ-CITY", toFundId: "YQ-LIUSHI", amount: "5000.00", reason: "调剂" },
    });
    expect(ok.data!.transferBetweenFunds.entryIds).toHaveLength(2);
    const balances = await checkLedgers(t);
    expect([balances.get("YQ-CITY")!.toFixed(2), balances.get("YQ-LIUSHI")!.toFixed(2)]).toEqual(["15000.00", "5000.00"]);
  });

  it("reports a fund's income, allocations and households served", async () => {
    const today = new Date().toISOString().slice(0, 10);
    const report = await gql(t.url, t.keys.charity, `query ($to: Date!) { fundReport(fundId: "YQ-CITY", from: "2020-01-01", to: $to) { openingBalance income transfersOut allocations reversals closingBalance householdsServed } }`, { to: today });
    expect(report.data!.fundReport).toEqual({ openingBalance: "0.00", income: "100000.00", transfersOut: "5000.00", allocations: "100000.00", reversals: "20000.00", closingBalance: "15000.00", householdsServed: 2 });
    // A period after every entry opens and closes on the balance the entries left.
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const later = await gql(t.url, t.keys.charity, `query ($day: Date!) { fundReport(fundId: "YQ-CITY", from: $day, to: $day) { openingBalance income allocations closingBalance householdsServed } }`, { day: tomorrow });
    expect(later.data!.fundReport).toEqual({ openingBalance: "15000.00", income: "0.00", allocations: "0.00", closingBalance: "15000.00", householdsServed: 0 });
  });

  it("gives the household its statement as data: layers, allocations, what it still pays", async () => {
    const result = await gql(t.url, t.keys.charity, `{ resolutionStatement(beneficiaryId: "YQ-H1", year: 2023) {
      billTotal selfPayBeforeCharity charityEntitlement charityAllocated stillPays tierTotals { tier amount }
      claims { claimId kind lines { tier amount clause } } allocations { fundName amount reversed } beneficiary { nationalId township } } }`);
    const statement = result.data!.resolutionStatement;
    expect(statement).toMatchObject({ billTotal: "400000.00", selfPayBeforeCharity: "120000.00", charityEntitlement: "70000.00", charityAllocated: "70000.00", stillPays: "50000.00" });
    expect(statement.tierTotals).toContainEqual({ tier: "assistance", amount: "100000.00" });
    expect(statement.claims.map((c: { kind: string }) => c.kind)).toEqual(statement.claims.map(() => "INPATIENT"));
    expect(statement.claims[0].lines.find((l: { tier: string }) => l.tier === "assistance").clause).toBe("乐政办发〔2022〕41号 三(三)9");
    expect(statement.allocations.map((a: { fundName: string }) => a.fundName)).toEqual(["YQ-LIUSHI 基金", "YQ-CITY 基金"]);
  });

  const browser = chromiumPath();
  (browser ? it : it.skip)("prints the statement page with the totals of the database, behind the same keys", async () => {
    const unauthorised = await fetch(`${t.url}/statements/YQ-H1/2023`);
    expect(unauthorised.status).toBe(401);
    const otherPartner = await fetch(`${t.url}/statements/YQ-H1/2023`, { headers: { authorization: `Bearer ${t.keys.otherPartner}` } });
    expect(otherPartner.status).toBe(404);
    const instance = await chromium.launch({ executablePath: browser!, args: CHROMIUM_ARGS });
    try {
      const context = await instance.newContext({ extraHTTPHeaders: { authorization: `Bearer ${t.keys.charity}` } });
      const page = await context.newPage();
      const response = await page.goto(`${t.url}/statements/YQ-H1/2023`);
      expect(response!.status()).toBe(200);
      const text = async (id: string) => (await page.textContent(`[data-testid="${id}"]`))!.trim();
      const statement = await t.services.charity.statement(Principal.system("test"), "YQ-H1", 2023);
      expect(await text("bill-total")).toBe(formatYuan(statement.billTotal));
      expect(await text("charity-entitlement")).toBe(formatYuan(statement.charityEntitlement));
      expect(await text("charity-allocated")).toBe(formatYuan(statement.charityAllocated));
      expect(await text("still-pays")).toBe(formatYuan(statement.stillPays));
      expect(await page.title()).toContain("化解清单");
      const pdf = await page.pdf({ format: "A4" });
      expect(pdf.length).toBeGreaterThan(1000);
    } finally {
      await instance.close();
    }
  }, 120_000);

  it("never overspends with 100 allocations at once against the same funds and entitlements", async () => {
    for (const [id, amount] of [["YQ-CITY", "150000.00"], ["YQ-LIUSHI", "60000.00"]] as const) {
      await gql(t.url, t.keys.charity, `mutation ($input: FundIncomeInput!) { recordFundIncome(input: $input) { entryIds } }`, { input: { requestId: `income-${id}-load`, fundId: id, type: "GRANT", amount, reason: "load" } });
    }
    const entitlements: string[] = [];
    for (let i = 0; i < 8; i++) entitlements.push(await householdWithEntitlement(t, `YQ-L${i}`, i % 2 === 0 ? "柳市镇" : null));
    const before = await checkLedgers(t);
    // 80 distinct requests and 20 repeats of some of them (a repeat must be answered, not applied
    // twice), all sent at once; a third of them name the fund to use.
    const distinct = Array.from({ length: 80 }, (_, i) => ({
      id: entitlements[i % entitlements.length],
      requestId: `load-${i}-x`,
      plan: i % 3 === 0 ? [{ fundId: i % 2 ? "YQ-CITY" : "YQ-LIUSHI", amount: "9000.00" }] : null,
    }));
    const all = [...distinct, ...distinct.filter((_, i) => i % 4 === 0)];
    const requests = all.map((variables) => gql(t.url, t.keys.charity, ALLOCATE, variables));
    const results = await Promise.all(requests);
    for (const r of results) expect(r.errors).toBeUndefined();
    const after = await checkLedgers(t);
    const debited = [...before.keys()].reduce((sum, id) => sum.plus(before.get(id)!.minus(after.get(id)!)), ZERO);
    const manager = t.services.dataSource.manager;
    let allocatedNow = ZERO;
    for (const id of entitlements) {
      const e = await manager.findOneByOrFail(EntitlementEntity, { id });
      expect(e.allocated.lessThanOrEqualTo(e.amount)).toBe(true);
      allocatedNow = allocatedNow.plus(e.allocated);
    }
    expect(allocatedNow.toFixed(2)).toBe(debited.toFixed(2));
    // 8 households × 70,000 = 560,000 wanted; the funds held 210,000 more than before: all of it is spent.
    expect(debited.toFixed(2)).toBe([...before.values()].reduce((s, v) => s.plus(v), ZERO).toFixed(2));
  }, 120_000);
});
