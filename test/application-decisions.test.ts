/**
 * Issue 13, on SQLite and (with TEST_MYSQL_URL) MariaDB, through GraphQL and the /api adapter:
 * an application counts once approved (宜春 倾斜救助, 第十条4 / 第十二条), and an approval recorded
 * after the bills settles their year again; 乐清 三(三)8 渐退期 periods are stored apart from the
 * categories and keep the premium subsidy only.
 */
import { ApplicationEntity, CategoryPeriodEntity } from "../src/beneficiary/beneficiary.entity";
import { testDatabases } from "./support/databases";
import { gql, startTestGateway, type TestGateway } from "./support/gateway";

const UPSERT = `mutation ($input: BeneficiaryInput!) { upsertBeneficiary(input: $input) { id } }`;
const HOUSEHOLD = `query ($id: ID!) { beneficiary(id: $id) {
  identities { category from to } phaseOuts { category from to } applications { program date status decidedOn }
  claims { id settlement { cause selfPay lines { tier amount } } settlementHistory { status } } } }`;

/** 宜春 低保, bill of 130,000 with basic 30,000: assistance 50,000 (cap), 倾斜 10,000 once granted. */
const yichunPerson = (id: string, application: Record<string, unknown>) => ({
  id,
  jurisdiction: "yichun",
  name: "宜春户",
  identities: [{ category: "DIBAO", from: "2022-10-01" }],
  applications: [{ program: "TILT_ASSISTANCE", date: "2023-03-05", ...application }],
});
const yichunBill = (id: string) => ({ id: `${id}-1`, beneficiaryId: id, date: "2023-03-01", kind: "INPATIENT", fees: { total: "130000.00" }, reported: { basic: "30000.00", critical: "0.00" } });

describe.each(testDatabases().map((db) => [db.name, db] as const))("application decisions and phase-outs on %s", (_name, database) => {
  let t: TestGateway;
  const household = async (id: string) => (await gql(t.url, t.keys.admin, HOUSEHOLD, { id })).data!.beneficiary;
  const reassistance = (h: { claims: Array<{ settlement: { lines: Array<{ tier: string; amount: string }> } }> }) => h.claims[0].settlement.lines.find((l) => l.tier === "reassistance")!.amount;

  beforeAll(async () => {
    t = await startTestGateway(database);
  });
  afterAll(async () => {
    await t?.stop();
  });

  it("a pending application grants nothing; its approval, recorded after the bill with an earlier date, settles the year again", async () => {
    // Recorded PENDING and settled through /api in one request.
    const settled = await fetch(`${t.url}/api/settlement/settle`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${t.keys.admin}` },
      body: JSON.stringify({ beneficiary: yichunPerson("AD-1", { status: "PENDING" }), claim: yichunBill("AD-1") }),
    });
    expect(settled.status).toBe(200);
    const before = await household("AD-1");
    expect(before.applications).toEqual([{ program: "TILT_ASSISTANCE", date: "2023-03-05", status: "PENDING", decidedOn: null }]);
    expect(reassistance(before)).toBe("0.00");
    expect(before.claims[0].settlement.selfPay).toBe("50000.00");

    // The approval is recorded now, dated 2023-04-01: the 2023 bill gets 倾斜 10,000 as an adjustment.
    expect((await gql(t.url, t.keys.admin, UPSERT, { input: yichunPerson("AD-1", { status: "APPROVED", decidedOn: "2023-04-01" }) })).errors).toBeUndefined();
    const after = await household("AD-1");
    expect(after.applications).toEqual([{ program: "TILT_ASSISTANCE", date: "2023-03-05", status: "APPROVED", decidedOn: "2023-04-01" }]);
    expect(reassistance(after)).toBe("10000.00");
    expect(after.claims[0].settlement).toMatchObject({ cause: "RETROACTIVE", selfPay: "40000.00" });
    expect(after.claims[0].settlementHistory.map((s: { status: string }) => s.status)).toEqual(["SUPERSEDED", "CURRENT"]);
    // The pending row is kept, retracted; the decision is a new row.
    const rows = await t.services.dataSource.manager.find(ApplicationEntity, { where: { beneficiaryId: "yichun:AD-1" }, order: { id: "ASC" } });
    expect(rows.map((r) => [r.status, r.decidedOn, r.retractedAt !== null])).toEqual([
      ["PENDING", null, true],
      ["APPROVED", "2023-04-01", false],
    ]);
  });

  it("sent again without a decision an application changes nothing; a decision taken is changed only by removing it first (CONFLICT)", async () => {
    expect((await gql(t.url, t.keys.admin, UPSERT, { input: yichunPerson("AD-2", { status: "APPROVED", decidedOn: "2023-03-20" }) })).errors).toBeUndefined();
    expect((await gql(t.url, t.keys.admin, UPSERT, { input: yichunPerson("AD-2", {}) })).errors).toBeUndefined();
    const refused = await gql(t.url, t.keys.admin, UPSERT, { input: yichunPerson("AD-2", { status: "REFUSED", decidedOn: "2023-03-21" }) });
    expect(refused.errors?.[0].extensions).toMatchObject({ code: "CONFLICT", field: "input.applications[0].status" });
    expect((await household("AD-2")).applications).toEqual([{ program: "TILT_ASSISTANCE", date: "2023-03-05", status: "APPROVED", decidedOn: "2023-03-20" }]);
    expect(await t.services.dataSource.manager.count(ApplicationEntity, { where: { beneficiaryId: "yichun:AD-2" } })).toBe(1);
  });

  it("an application without a decision is recorded as approved on its date (the compatibility decision)", async () => {
    expect((await gql(t.url, t.keys.admin, UPSERT, { input: yichunPerson("AD-3", {}) })).errors).toBeUndefined();
    expect((await household("AD-3")).applications).toEqual([{ program: "TILT_ASSISTANCE", date: "2023-03-05", status: "APPROVED", decidedOn: "2023-03-05" }]);
  });

  it("a 渐退期 is stored apart from the categories and keeps the 乐清 premium subsidy of the years it reaches", async () => {
    const input = {
      id: "AD-4",
      jurisdiction: "yueqing",
      name: "乐清户",
      identities: [{ category: "DIBAO", from: "2022-01-01", to: "2023-06-30" }],
      phaseOuts: [{ category: "DIBAO", from: "2023-07-01", to: "2024-06-30" }],
    };
    expect((await gql(t.url, t.keys.partner, UPSERT, { input })).errors).toBeUndefined();
    const stored = await household("AD-4");
    expect(stored.identities).toEqual([{ category: "DIBAO", from: "2022-01-01", to: "2023-06-30" }]);
    expect(stored.phaseOuts).toEqual([{ category: "DIBAO", from: "2023-07-01", to: "2024-06-30" }]);
    const rows = await t.services.dataSource.manager.find(CategoryPeriodEntity, { where: { beneficiaryId: "yueqing:AD-4" }, order: { id: "ASC" } });
    expect(rows.map((r) => r.phaseOut)).toEqual([false, true]);
    const PREMIUM = `query ($id: String!, $year: Int!) { premiumSubsidy(beneficiaryId: $id, year: $year) { category phaseOut ruleId } }`;
    expect((await gql(t.url, t.keys.partner, PREMIUM, { id: "AD-4", year: 2024 })).data!.premiumSubsidy).toEqual({ category: "DIBAO", phaseOut: true, ruleId: "yq-premium-full" });
    expect((await gql(t.url, t.keys.partner, PREMIUM, { id: "AD-4", year: 2025 })).data!.premiumSubsidy).toEqual({ category: null, phaseOut: false, ruleId: null });
    // Who holds 低边 is who is certified, not who phases out of it.
    expect((await gql(t.url, t.keys.partner, UPSERT, { input: { id: "AD-5", jurisdiction: "yueqing", name: "乐清户", phaseOuts: [{ category: "NEAR_DIBAO", from: "2023-07-01" }] } })).errors).toBeUndefined();
    const LIST = `query { beneficiaries(filter: { jurisdiction: "yueqing", category: "NEAR_DIBAO", idPrefix: "AD-" }, first: 10) { edges { node { id } } } }`;
    expect((await gql(t.url, t.keys.partner, LIST, {})).data!.beneficiaries.edges).toEqual([]);
  });
});
