/**
 * Implausible bills and too many of them, through the running gateway on SQLite and (with
 * TEST_MYSQL_URL) MariaDB alike: a date in the future or before 1990, an amount above the per-bill
 * maximum, a year over its bill cap and a what-if over the per-request cap are refused with their
 * code and field, nothing is stored, and the household's later bills still settle.
 */
import { Money } from "../src/lib/money";
import { todayInChina } from "../src/lib/dates";
import { testDatabases } from "./support/databases";
import { gql, startTestGateway, type TestGateway } from "./support/gateway";

const limits = { maxBillTotal: new Money("10000000.00"), maxBillsPerYear: 3, maxBillsPerRequest: 4 };
const fees = (total: string) => ({ total, outOfCatalog: "0.00", classBSelfPay: "0.00", overStandard: "0.00" });
const bill = (id: string, date: string, total = "26000.00", extra: object = {}) => ({ id, date, kind: "INPATIENT", fees: fees(total), reported: { basic: "6000.00", critical: "0.00" }, ...extra });
const SUBMIT = `mutation ($input: ClaimInput!) { submitClaim(input: $input) { id } }`;
const QUOTE = `mutation ($input: SimulationInput!) { simulateSettlement(input: $input) { claimId settlement { selfPay } error { code field } } }`;

/** The day after today in China: the earliest date a bill cannot have. */
function tomorrowInChina(): string {
  const today = new Date(`${todayInChina()}T00:00:00Z`);
  return new Date(today.getTime() + 86_400_000).toISOString().slice(0, 10);
}

describe.each(testDatabases().map((db) => [db.name, db] as const))("bill limits on %s", (_name, database) => {
  let t: TestGateway;
  const post = (path: string, body: unknown) =>
    fetch(`${t.url}${path}`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${t.keys.partner}` }, body: JSON.stringify(body) });
  const storedClaims = (beneficiaryId: string) => t.services.dataSource.query(`SELECT id FROM claims WHERE beneficiary_id = 'liaocheng:${beneficiaryId}'`);
  const record = (id: string) =>
    gql(t.url, t.keys.partner, `mutation ($input: BeneficiaryInput!) { upsertBeneficiary(input: $input) { id } }`, {
      input: { id, jurisdiction: "liaocheng", name: "限", identities: [{ category: "DIBAO", from: "2023-01-01" }] },
    });
  const submit = (beneficiaryId: string, claim: object) => gql(t.url, t.keys.partner, SUBMIT, { input: { ...claim, beneficiaryId } });

  beforeAll(async () => {
    t = await startTestGateway(database, { billLimits: limits });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it.each([
    ["an absurd date", "9999-12-31"],
    ["a date before 1990", "1989-12-31"],
    ["tomorrow in China", tomorrowInChina()],
  ])("refuses a bill dated %s with INVALID_DATE at input.date, storing nothing", async (_what, date) => {
    await record("BL-DATE");
    const refused = await submit("BL-DATE", bill(`BL-DATE-${date}`, date));
    expect(refused.errors?.[0].extensions).toMatchObject({ code: "INVALID_DATE", field: "input.date" });
    expect(await storedClaims("BL-DATE")).toEqual([]);
  });

  it("refuses the probe's two bills of 9999999999999999.99 through /api with a 400, stores nothing, and settles the household's later bills", async () => {
    const beneficiary = { id: "BL-HUGE", jurisdiction: "liaocheng", name: "巨", identities: [{ category: "DIBAO", from: "2023-01-01" }] };
    for (const id of ["BL-HUGE-1", "BL-HUGE-2"]) {
      const response = await post("/api/settlement/settle", { beneficiary, claim: { ...bill(id, "2023-03-10", "9999999999999999.99", { reported: { basic: "0.00", critical: "0.00" } }), beneficiaryId: "BL-HUGE" } });
      expect(response.status).toBe(400);
      const body = (await response.json()) as { error: { code: string; field: string } };
      expect(body.error).toMatchObject({ code: "INVALID_AMOUNT", field: "claim.fees.total" });
    }
    expect(await storedClaims("BL-HUGE")).toEqual([]);
    // The refusals stored nothing, the beneficiary neither (one transaction): it comes again.
    const later = await post("/api/settlement/settle", { beneficiary, claim: { ...bill("BL-HUGE-3", "2023-04-10"), beneficiaryId: "BL-HUGE" } });
    expect(later.status).toBe(200);
    expect(((await later.json()) as { selfPay: string }).selfPay).toBe("5300.00");
  });

  it.each([
    ["the total", bill("BL-AMT-1", "2023-03-10", "10000000.01"), "input.fees.total"],
    ["a fee part", bill("BL-AMT-2", "2023-03-10", "100.00", { fees: { ...fees("100.00"), outOfCatalog: "10000000.01" } }), "input.fees.outOfCatalog"],
    ["a reported tier", bill("BL-AMT-3", "2023-03-10", "100.00", { reported: { basic: "10000000.01" } }), "input.reported.basic"],
  ])("refuses %s above the per-bill maximum with INVALID_AMOUNT, and takes the maximum itself", async (_what, claim, field) => {
    await record(claim.id);
    const refused = await submit(claim.id, claim);
    expect(refused.errors?.[0].extensions).toMatchObject({ code: "INVALID_AMOUNT", field });
    expect(await storedClaims(claim.id)).toEqual([]);
    const largest = await submit(claim.id, bill(`${claim.id}-max`, "2023-03-10", "10000000.00"));
    expect(largest.errors).toBeUndefined();
  });

  it("refuses a bill beyond the year's cap with TOO_MANY_BILLS at input.date, and takes the next year's", async () => {
    await record("BL-YEAR");
    for (const n of [1, 2, 3]) expect((await submit("BL-YEAR", bill(`BL-YEAR-${n}`, `2023-0${n}-10`))).errors).toBeUndefined();
    const refused = await submit("BL-YEAR", bill("BL-YEAR-4", "2023-04-10"));
    expect(refused.errors?.[0].extensions).toMatchObject({ code: "TOO_MANY_BILLS", field: "input.date" });
    expect(await storedClaims("BL-YEAR")).toHaveLength(3);
    expect((await submit("BL-YEAR", bill("BL-YEAR-5", "2024-01-10"))).errors).toBeUndefined();
    // A what-if counts the stored bills too: the year has no room left.
    const quoted = await gql(t.url, t.keys.partner, QUOTE, { input: { jurisdiction: "liaocheng", beneficiaryId: "BL-YEAR", claims: [{ ...bill("BL-YEAR-Q", "2023-05-10"), beneficiaryId: "BL-YEAR" }] } });
    expect(quoted.data!.simulateSettlement[0]).toMatchObject({ settlement: null, error: { code: "TOO_MANY_BILLS", field: "input.claims[0].date" } });
  });

  it("refuses a what-if over the per-request cap with TOO_MANY_BILLS at input.claims, and quotes one at the cap", async () => {
    const beneficiary = { id: "BL-REQ", jurisdiction: "liaocheng", name: "试", identities: [{ category: "DIBAO", from: "2023-01-01" }] };
    const claims = (n: number) => Array.from({ length: n }, (_, i) => ({ ...bill(`BL-REQ-${i}`, `${2023 + Math.floor(i / 3)}-03-1${i % 3}`), beneficiaryId: "BL-REQ" }));
    const over = await gql(t.url, t.keys.partner, QUOTE, { input: { jurisdiction: "liaocheng", beneficiary, claims: claims(5) } });
    expect(over.errors?.[0].extensions).toMatchObject({ code: "TOO_MANY_BILLS", field: "input.claims" });
    const at = await gql(t.url, t.keys.partner, QUOTE, { input: { jurisdiction: "liaocheng", beneficiary, claims: claims(4) } });
    expect(at.errors).toBeUndefined();
    expect(at.data!.simulateSettlement.map((r: { error: unknown }) => r.error)).toEqual([null, null, null, null]);
  });
});
