/**
 * Issue 11, item 2, on SQLite and (with TEST_MYSQL_URL) MariaDB, through GraphQL and the /api
 * adapter: an upsert is a merge — a field left out keeps its stored value, periods sent are added
 * or extended — and ending or removing a category period is an explicit, recorded act that is
 * refused (WOULD_REVERSE_PAID) when settling again would take back money already paid or
 * allocated, unless the client confirms it.
 */
import { AuditEntryEntity } from "../src/access/access.entity";
import { ApplicationEntity, CategoryPeriodEntity } from "../src/beneficiary/beneficiary.entity";
import { EntitlementEntity } from "../src/charity/charity.entity";
import { testDatabases } from "./support/databases";
import { gql, startTestGateway, type TestGateway } from "./support/gateway";

const UPSERT = `mutation ($input: BeneficiaryInput!) { upsertBeneficiary(input: $input) { id } }`;
const END = `mutation ($input: EndCategoryPeriodInput!) { endCategoryPeriod(input: $input) { identities { category from to } } }`;
const REMOVE = `mutation ($input: RemoveCategoryPeriodInput!) { removeCategoryPeriod(input: $input) { identities { category from to } } }`;
const HOUSEHOLD = `query ($id: ID!) { beneficiary(id: $id) {
  name nationalId township identities { category from to } applications { program date }
  claims { id settlement { cause selfPay lines { tier amount } } settlementHistory { status } } } }`;

/** The 乐清 低保 bill of the probe: assistance 100,000 (the cap) and charity 70,000. */
const bill = (beneficiaryId: string) => ({
  id: `${beneficiaryId}-1`,
  beneficiaryId,
  date: "2023-05-01",
  kind: "INPATIENT",
  fees: { total: "400000.00", outOfCatalog: "40000.00", classBSelfPay: "10000.00", overStandard: "0.00" },
  reported: { basic: "150000.00", critical: "0.00", commercial: "30000.00" },
});

const record = (id: string) => ({ id, jurisdiction: "yueqing", name: "原名", nationalId: "330382198001011234", township: "柳市镇", identities: [{ category: "DIBAO", from: "2022-01-01" }] });

describe.each(testDatabases().map((db) => [db.name, db] as const))("beneficiary record merges on %s", (_name, database) => {
  let t: TestGateway;
  const post = (path: string, body: unknown) => fetch(`${t.url}${path}`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${t.keys.partner}` }, body: JSON.stringify(body) });

  /** A household whose bill was settled and whose 70,000 of charity was allocated from funds. */
  async function paidHousehold(id: string): Promise<void> {
    expect((await gql(t.url, t.keys.partner, UPSERT, { input: record(id) })).errors).toBeUndefined();
    expect((await gql(t.url, t.keys.partner, `mutation ($input: ClaimInput!) { submitClaim(input: $input) { id } }`, { input: bill(id) })).errors).toBeUndefined();
    expect((await gql(t.url, t.keys.partner, `mutation ($id: ID!) { settleClaim(id: $id) { id } }`, { id: `${id}-1` })).errors).toBeUndefined();
    const allocated = await gql(t.url, t.keys.charity, `mutation ($id: ID!, $requestId: String!) { allocateCharity(entitlementId: $id, requestId: $requestId, reason: "化解") { allocated } }`, {
      id: `yueqing:${id}/2023`,
      requestId: `allocate-${id}`,
    });
    expect(allocated.data!.allocateCharity.allocated).toBe("70000.00");
  }

  /** What the household looks like: its record, settlements and charity entitlement. */
  async function household(id: string) {
    const read = await gql(t.url, t.keys.admin, HOUSEHOLD, { id });
    const entitlement = await t.services.dataSource.manager.findOneBy(EntitlementEntity, { id: `yueqing:${id}/2023` });
    return { ...read.data!.beneficiary, entitlement: entitlement && { amount: entitlement.amount.toFixed(2), allocated: entitlement.allocated.toFixed(2), status: entitlement.status } };
  }

  const amountOf = (h: { claims: Array<{ settlement: { lines: Array<{ tier: string; amount: string }> } }> }, tier: string) => h.claims[0].settlement.lines.find((l) => l.tier === tier)?.amount;
  const auditOf = (id: string, jurisdiction = "yueqing") => t.services.dataSource.manager.find(AuditEntryEntity, { where: { subjectId: `${jurisdiction}:${id}` }, order: { id: "ASC" } });

  beforeAll(async () => {
    t = await startTestGateway(database);
    const fund = await gql(t.url, t.keys.charity, `mutation ($input: CharityFundInput!) { createCharityFund(input: $input) { id } }`, {
      input: { id: "YQ-MERGE-CITY", name: "乐清 城市基金", kind: "CITY", jurisdiction: "yueqing", township: null },
    });
    expect(fund.errors).toBeUndefined();
    const income = await gql(t.url, t.keys.charity, `mutation ($input: FundIncomeInput!) { recordFundIncome(input: $input) { entryIds } }`, {
      input: { requestId: "merge-income", fundId: "YQ-MERGE-CITY", type: "DONATION", amount: "10000000.00", reason: "捐赠" },
    });
    expect(income.errors).toBeUndefined();
  }, 120_000);
  afterAll(async () => {
    await t?.stop();
  });

  it("a corrected name alone changes the name and nothing else: no re-settlement, the same amounts (GraphQL)", async () => {
    await paidHousehold("MG-1");
    const before = await household("MG-1");
    expect(amountOf(before, "assistance")).toBe("100000.00");
    expect(amountOf(before, "charity")).toBe("70000.00");
    expect(before.entitlement).toEqual({ amount: "70000.00", allocated: "70000.00", status: "RESOLVED" });

    const corrected = await gql(t.url, t.keys.partner, UPSERT, { input: { id: "MG-1", jurisdiction: "yueqing", name: "更正名" } });
    expect(corrected.errors).toBeUndefined();
    expect(await household("MG-1")).toEqual({ ...before, name: "更正名" });
  });

  it("the same through /api/settlement/settle with a beneficiary object of only a name", async () => {
    await paidHousehold("MG-2");
    const before = await household("MG-2");
    const response = await post("/api/settlement/settle", { beneficiary: { id: "MG-2", jurisdiction: "yueqing", name: "更正名" }, claim: bill("MG-2") });
    expect(response.status).toBe(200);
    expect(await household("MG-2")).toEqual({ ...before, name: "更正名" });
  });

  it("removing a category that would take back paid money is refused, naming it; confirmed, it proceeds and is recorded", async () => {
    await paidHousehold("MG-3");
    const before = await household("MG-3");
    const input = { beneficiaryId: "MG-3", category: "DIBAO", from: "2022-01-01", reason: "认定有误" };
    const refused = await gql(t.url, t.keys.partner, REMOVE, { input });
    expect(refused.errors?.[0].extensions).toMatchObject({
      code: "WOULD_REVERSE_PAID",
      field: "input.confirmReversal",
      details: [
        "2023 assistance: paid 100000.00, would be 0.00 (takes back 100000.00)",
        "2023 charity: allocated 70000.00, entitlement would be 0.00 (takes back 70000.00)",
      ],
    });
    expect(await household("MG-3")).toEqual(before);
    expect((await auditOf("MG-3")).map((e) => e.action)).not.toContain("beneficiary.period.remove");

    const confirmed = await gql(t.url, t.keys.partner, REMOVE, { input: { ...input, confirmReversal: true } });
    expect(confirmed.errors).toBeUndefined();
    const after = await household("MG-3");
    expect(after.identities).toEqual([]);
    expect(after.claims[0].settlement.cause).toBe("RETROACTIVE");
    expect(after.claims[0].settlementHistory.map((s: { status: string }) => s.status)).toEqual(["SUPERSEDED", "CURRENT"]);
    expect(amountOf(after, "assistance")).toBe("0.00");
    expect(after.entitlement).toEqual({ amount: "0.00", allocated: "70000.00", status: "OVER_ALLOCATED" });
    // The period is kept as a record, retracted; the act and what it took back are in the audit log.
    const rows = await t.services.dataSource.manager.find(CategoryPeriodEntity, { where: { beneficiaryId: "yueqing:MG-3" } });
    expect(rows.map((r) => [r.category, r.retractedAt !== null])).toEqual([["DIBAO", true]]);
    const audit = await auditOf("MG-3");
    expect(JSON.parse(audit.find((e) => e.action === "beneficiary.period.remove")!.detail)).toMatchObject({ category: "DIBAO", from: "2022-01-01", reason: "认定有误" });
    expect(JSON.parse(audit.find((e) => e.action === "settlement.reversal.confirmed")!.detail).reversals).toHaveLength(2);
  });

  it("ends a period: before a settled bill it is refused, after the bills at once; shortening by upsert is refused, extending is not", async () => {
    await paidHousehold("MG-4");
    const before = await household("MG-4");
    const early = await gql(t.url, t.keys.partner, END, { input: { beneficiaryId: "MG-4", category: "DIBAO", from: "2022-01-01", to: "2023-03-31", reason: "退出低保" } });
    expect(early.errors?.[0].extensions?.code).toBe("WOULD_REVERSE_PAID");
    expect(await household("MG-4")).toEqual(before);

    const ended = await gql(t.url, t.keys.partner, END, { input: { beneficiaryId: "MG-4", category: "DIBAO", from: "2022-01-01", to: "2023-12-31", reason: "退出低保" } });
    expect(ended.errors).toBeUndefined();
    expect(await household("MG-4")).toEqual({ ...before, identities: [{ category: "DIBAO", from: "2022-01-01", to: "2023-12-31" }] });
    const rows = await t.services.dataSource.manager.find(CategoryPeriodEntity, { where: { beneficiaryId: "yueqing:MG-4" }, order: { id: "ASC" } });
    expect(rows.map((r) => [r.toDate, r.retractedAt !== null])).toEqual([[null, true], ["2023-12-31", false]]);
    expect((await auditOf("MG-4")).map((e) => e.action)).toContain("beneficiary.period.end");

    const later = await gql(t.url, t.keys.partner, END, { input: { beneficiaryId: "MG-4", category: "DIBAO", from: "2022-01-01", to: "2024-06-30", reason: "延长" } });
    expect(later.errors?.[0].extensions).toMatchObject({ code: "INVALID_INPUT", field: "input.to" });
    const shorter = await gql(t.url, t.keys.partner, UPSERT, { input: { id: "MG-4", jurisdiction: "yueqing", identities: [{ category: "DIBAO", from: "2022-01-01", to: "2023-06-30" }] } });
    expect(shorter.errors?.[0].extensions).toMatchObject({ code: "CONFLICT", field: "input.identities[0].to" });
    const extended = await gql(t.url, t.keys.partner, UPSERT, { input: { id: "MG-4", jurisdiction: "yueqing", identities: [{ category: "DIBAO", from: "2022-01-01", to: null }] } });
    expect(extended.errors).toBeUndefined();
    expect(await household("MG-4")).toEqual(before);
  });

  it("periods sent are added to the recorded ones; one that would lower charity below what was allocated needs confirmation", async () => {
    await paidHousehold("MG-5");
    const before = await household("MG-5");
    const later = await gql(t.url, t.keys.partner, UPSERT, { input: { id: "MG-5", jurisdiction: "yueqing", identities: [{ category: "NEAR_DIBAO", from: "2024-01-01" }] } });
    expect(later.errors).toBeUndefined();
    const added = await household("MG-5");
    expect(added).toEqual({ ...before, identities: [...before.identities, { category: "NEAR_DIBAO", from: "2024-01-01", to: null }] });

    // 特困 has no assistance cap: more assistance, so less charity than the 70,000 already allocated.
    const destitute = { id: "MG-5", jurisdiction: "yueqing", identities: [{ category: "DESTITUTE", from: "2022-01-01" }] };
    const refused = await gql(t.url, t.keys.partner, UPSERT, { input: destitute });
    expect(refused.errors?.[0].extensions?.code).toBe("WOULD_REVERSE_PAID");
    expect(refused.errors?.[0].extensions?.details).toEqual([expect.stringMatching(/^2023 charity: allocated 70000\.00, entitlement would be /)]);
    expect(await household("MG-5")).toEqual(added);
    const response = await post("/api/settlement/settle", { beneficiary: destitute, claim: bill("MG-5") });
    expect(response.status).toBe(409);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("WOULD_REVERSE_PAID");
    expect(await household("MG-5")).toEqual(added);

    const confirmed = await gql(t.url, t.keys.partner, UPSERT, { input: { ...destitute, confirmReversal: true } });
    expect(confirmed.errors).toBeUndefined();
    const after = await household("MG-5");
    expect(after.claims[0].settlement.cause).toBe("RETROACTIVE");
    expect(after.entitlement.status).toBe("OVER_ALLOCATED");
  });

  it("removing an application that would take back re-assistance is refused; confirmed, the row is kept retracted and audited", async () => {
    // 宜春 低保 with 倾斜救助 (the design's case): re-assistance 10,000 on a bill of 150,000.
    const input = { id: "MG-6", jurisdiction: "yichun", name: "宜春户", identities: [{ category: "DIBAO", from: "2022-10-01" }], applications: [{ program: "TILT_ASSISTANCE", date: "2022-11-10" }] };
    expect((await gql(t.url, t.keys.admin, UPSERT, { input })).errors).toBeUndefined();
    const claim = { id: "MG-6-1", beneficiaryId: "MG-6", date: "2022-11-03", kind: "INPATIENT", fees: { total: "150000.00" }, reported: { basic: "30000.00", critical: "0.00" } };
    // The partner key is for 聊城 and 乐清: an administrator records and settles this one.
    const settled = await fetch(`${t.url}/api/settlement/settle`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${t.keys.admin}` }, body: JSON.stringify({ claim }) });
    expect(settled.status).toBe(200);
    const before = await household("MG-6");
    expect(amountOf(before, "reassistance")).toBe("10000.00");

    const removal = { beneficiaryId: "MG-6", program: "TILT_ASSISTANCE", date: "2022-11-10", reason: "申请未获批准" };
    const REMOVE_APPLICATION = `mutation ($input: RemoveApplicationInput!) { removeApplication(input: $input) { applications { program date } } }`;
    const refused = await gql(t.url, t.keys.admin, REMOVE_APPLICATION, { input: removal });
    expect(refused.errors?.[0].extensions).toMatchObject({ code: "WOULD_REVERSE_PAID", details: ["2022 reassistance: paid 10000.00, would be 0.00 (takes back 10000.00)"] });
    expect(await household("MG-6")).toEqual(before);

    const confirmed = await gql(t.url, t.keys.admin, REMOVE_APPLICATION, { input: { ...removal, confirmReversal: true } });
    expect(confirmed.data?.removeApplication.applications).toEqual([]);
    expect(amountOf(await household("MG-6"), "reassistance")).toBe("0.00");
    const rows = await t.services.dataSource.manager.find(ApplicationEntity, { where: { beneficiaryId: "yichun:MG-6" } });
    expect(rows.map((r) => r.retractedAt !== null)).toEqual([true]);
    expect(JSON.parse((await auditOf("MG-6", "yichun")).find((e) => e.action === "beneficiary.application.remove")!.detail)).toMatchObject({ program: "TILT_ASSISTANCE", reason: "申请未获批准" });
  });
});
