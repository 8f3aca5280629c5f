/**
 * Staged settlement over HTTP, on SQLite and (with TEST_MYSQL_URL) MariaDB: a 乐清 bill without the
 * insurer's amount is settled partially (commercial and charity pending, no charity entitlement);
 * the insurer's report through reportTier or POST /api/settlement/report settles it again,
 * superseding the partial settlement, and charity follows. Figures as in
 * test/scenarios/yueqing/commercial-pending-then-reported.json.
 */
import { Principal } from "../src/access/principal";
import { EntitlementEntity } from "../src/charity/charity.entity";
import { AdjustmentEntity, SettlementEntity } from "../src/settlement/settlement.entity";
import { testDatabases } from "./support/databases";
import { gql, startTestGateway, type TestGateway } from "./support/gateway";

const SETTLEMENT = "id status cause selfPay pending complete lines { tier amount reason }";
const REPORT = `mutation ($id: ID!, $amount: Money!) { reportTier(claimId: $id, tier: commercial, amount: $amount) { ${SETTLEMENT} } }`;

/** A 乐清 低保 household with one settled bill whose insurer has not reported yet. */
async function partialBill(t: TestGateway, id: string): Promise<void> {
  const system = Principal.system("test");
  await t.services.beneficiaries.upsert(system, { id, jurisdiction: "yueqing", name: id, identities: [{ category: "DIBAO", from: "2022-01-01", to: null }] });
  await t.services.claims.submit(system, {
    id: `${id}-1`,
    beneficiaryId: id,
    date: "2023-05-01",
    kind: "INPATIENT",
    fees: { total: "400000.00", outOfCatalog: "40000.00", classBSelfPay: "10000.00", overStandard: "0.00" },
    reported: { basic: "150000.00", critical: "0.00" },
  });
  await t.services.settlements.settleClaim(system, `${id}-1`);
}

const amountOf = (settlement: { lines: Array<{ tier: string; amount: string }> }, tier: string) => settlement.lines.find((l) => l.tier === tier)!.amount;

describe.each(testDatabases().map((db) => [db.name, db] as const))("staged settlement on %s", (_name, database) => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway(database);
  }, 120_000);
  afterAll(async () => {
    await t?.stop();
  });

  it("settles the known layers, leaves commercial and charity pending, opens no entitlement, and the 化解清单 says 待报送", async () => {
    await partialBill(t, "YQ-P1");
    const read = await gql(t.url, t.keys.partner, `{ claim(id: "YQ-P1-1") { settlement { ${SETTLEMENT} } } }`);
    const settlement = read.data!.claim.settlement;
    expect(settlement).toMatchObject({ selfPay: "150000.00", pending: ["commercial", "charity"], complete: false });
    expect(amountOf(settlement, "assistance")).toBe("100000.00");
    expect(settlement.lines.filter((l: { reason: string | null }) => l.reason === "PENDING").map((l: { tier: string }) => l.tier)).toEqual(["commercial", "charity"]);
    expect(await t.services.dataSource.manager.count(EntitlementEntity, { where: { beneficiaryId: "yueqing:YQ-P1" } })).toBe(0);
    const page = await fetch(`${t.url}/statements/YQ-P1/2023`, { headers: { authorization: `Bearer ${t.keys.charity}` } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('data-pending="commercial">待报送');
  });

  it("reportTier completes the claim: a new settlement supersedes the partial one, differences as adjustments, charity opens its entitlement", async () => {
    await partialBill(t, "YQ-P2");
    const other = await gql(t.url, t.keys.otherPartner, REPORT, { id: "YQ-P2-1", amount: "30000.00" });
    expect(other.errors?.[0].extensions?.code).toBe("NOT_FOUND");
    const reported = await gql(t.url, t.keys.partner, REPORT, { id: "YQ-P2-1", amount: "30000.00" });
    expect(reported.errors).toBeUndefined();
    const settlement = reported.data!.reportTier;
    expect(settlement).toMatchObject({ status: "CURRENT", cause: "REPORTED", selfPay: "50000.00", pending: [], complete: true });
    expect([amountOf(settlement, "commercial"), amountOf(settlement, "charity")]).toEqual(["30000.00", "70000.00"]);
    const manager = t.services.dataSource.manager;
    const rows = await manager.find(SettlementEntity, { where: { claimId: "yueqing:YQ-P2-1" } });
    expect(rows.map((r) => r.status).sort()).toEqual(["CURRENT", "SUPERSEDED"]);
    const adjustments = await manager.find(AdjustmentEntity, { where: { claimId: "yueqing:YQ-P2-1" } });
    expect(adjustments.map((a) => `${a.tier} ${a.difference.toFixed(2)}`).sort()).toEqual(["charity 70000.00", "commercial 30000.00", "selfPay -100000.00"]);
    const entitlement = await manager.findOneBy(EntitlementEntity, { beneficiaryId: "yueqing:YQ-P2" });
    expect(entitlement?.amount.toFixed(2)).toBe("70000.00");
  });

  it("refuses a report of a tier that is not pending, or more than is left, changing nothing", async () => {
    await partialBill(t, "YQ-P3");
    const tooMuch = await gql(t.url, t.keys.partner, REPORT, { id: "YQ-P3-1", amount: "150000.01" });
    expect(tooMuch.errors?.[0].extensions).toMatchObject({ code: "INCONSISTENT_FEES" });
    const manager = t.services.dataSource.manager;
    expect(await manager.count(SettlementEntity, { where: { claimId: "yueqing:YQ-P3-1" } })).toBe(1);
    const done = await gql(t.url, t.keys.admin, REPORT, { id: "YQ-P3-1", amount: "0.00" });
    expect(done.data!.reportTier).toMatchObject({ complete: true, cause: "REPORTED" });
    const again = await gql(t.url, t.keys.partner, REPORT, { id: "YQ-P3-1", amount: "10.00" });
    expect(again.errors?.[0].extensions).toMatchObject({ code: "CONFLICT", field: "tier" });
    expect(await manager.count(SettlementEntity, { where: { claimId: "yueqing:YQ-P3-1" } })).toBe(2);
  });

  it("POST /api/settlement/report does the same for REST hosts", async () => {
    await partialBill(t, "YQ-P4");
    const post = (body: unknown) => fetch(`${t.url}/api/settlement/report`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${t.keys.partner}` }, body: JSON.stringify(body) });
    const bad = await post({ claimId: "YQ-P4-1", tier: "commercial", amount: "-1.00" });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe("INVALID_AMOUNT");
    const response = await post({ claimId: "YQ-P4-1", tier: "commercial", amount: "30000.00" });
    expect(response.status).toBe(200);
    const json = (await response.json()) as { complete: boolean; pending: string[]; selfPay: string; lines: Array<{ tier: string; amount: string }> };
    expect(json).toMatchObject({ complete: true, pending: [], selfPay: "50000.00" });
    expect(amountOf(json, "charity")).toBe("70000.00");
  });
});
