/**
 * Ids are per jurisdiction (issue 11, item 4), on SQLite and (with TEST_MYSQL_URL) MariaDB, over
 * HTTP: a 聊城 partner that records 乐清's bill id first does not block 乐清; each partner sees its
 * own; another jurisdiction's id answers exactly as a missing one; a key covering both must say
 * which it means. And the migration moves stored keys into the namespaces and back.
 */
import { testDatabases } from "./support/databases";
import { MIGRATIONS } from "../src/gateway/schema-parts";
import { gql, startTestGateway, type TestGateway } from "./support/gateway";
import { Principal } from "../src/access/principal";

const BILL = "YQ-BILL-2023-0001";
const PERSON = "YQ-P-0001";

const UPSERT = `mutation ($input: BeneficiaryInput!) { upsertBeneficiary(input: $input) { id jurisdiction name } }`;
const SUBMIT = `mutation ($input: ClaimInput!) { submitClaim(input: $input) { id beneficiaryId jurisdiction fees { total } } }`;
const SETTLE = `mutation ($id: ID!, $jurisdiction: String) { settleClaim(id: $id, jurisdiction: $jurisdiction) { claimId beneficiaryId packId selfPay } }`;
const CLAIM = `query ($id: ID!, $jurisdiction: String) { claim(id: $id, jurisdiction: $jurisdiction) { id beneficiaryId jurisdiction fees { total } beneficiary { id name } settlement { claimId beneficiaryId packId } } }`;
const BENEFICIARY = `query ($id: ID!) { beneficiary(id: $id) { id jurisdiction name claims { id } } }`;
const SUMMARY = `query ($id: String!) { annualSummary(beneficiaryId: $id, year: 2023) { beneficiaryId } }`;

const liaochengPerson = { id: PERSON, jurisdiction: "liaocheng", name: "聊城户", identities: [{ category: "DIBAO", from: "2023-01-01" }] };
const liaochengBill = { id: BILL, beneficiaryId: PERSON, date: "2023-03-10", kind: "INPATIENT", fees: { total: "26000.00" }, reported: { basic: "6000.00", critical: "0.00" } };
const yueqingPerson = { id: PERSON, jurisdiction: "yueqing", name: "乐清户", identities: [{ category: "DIBAO", from: "2022-01-01" }] };
const yueqingBill = {
  id: BILL,
  beneficiaryId: PERSON,
  date: "2023-05-01",
  kind: "INPATIENT",
  fees: { total: "400000.00", outOfCatalog: "40000.00", classBSelfPay: "10000.00" },
  reported: { basic: "150000.00", critical: "0.00", commercial: "30000.00" },
};

/** Words that would betray the other jurisdiction. */
const LIAOCHENG_WORDS = /liaocheng|聊城/i;

describe.each(testDatabases().map((db) => [db.name, db] as const))("ids per jurisdiction on %s", (_name, database) => {
  let t: TestGateway;
  let liaocheng: string;
  let yueqing: string;
  const ok = async (key: string, query: string, variables: Record<string, unknown>) => {
    const result = await gql(t.url, key, query, variables);
    expect(result.errors).toBeUndefined();
    return result.data!;
  };
  const refusal = async (key: string, query: string, variables: Record<string, unknown>) => {
    const result = await gql(t.url, key, query, variables);
    expect(result.errors).toHaveLength(1);
    const [error] = result.errors!;
    return { code: error.extensions?.code, field: error.extensions?.field, message: error.message };
  };

  beforeAll(async () => {
    t = await startTestGateway(database);
    const known = t.services.packs.jurisdictions();
    liaocheng = (await t.services.apiKeys.create({ role: "PARTNER", jurisdictions: ["liaocheng"], name: "liaocheng partner" }, Principal.system("test"), known)).key;
    yueqing = (await t.services.apiKeys.create({ role: "PARTNER", jurisdictions: ["yueqing"], name: "yueqing partner" }, Principal.system("test"), known)).key;
  });
  afterAll(async () => {
    await t?.stop();
  });

  it("lets 乐清 record and settle its own bill after 聊城 took the same ids, each partner seeing only its own", async () => {
    await ok(liaocheng, UPSERT, { input: liaochengPerson });
    await ok(liaocheng, SUBMIT, { input: liaochengBill });
    expect((await ok(liaocheng, SETTLE, { id: BILL })).settleClaim).toMatchObject({ claimId: BILL, beneficiaryId: PERSON, packId: "liaocheng", selfPay: "5300.00" });

    expect((await ok(yueqing, UPSERT, { input: yueqingPerson })).upsertBeneficiary).toEqual({ id: PERSON, jurisdiction: "yueqing", name: "乐清户" });
    expect((await ok(yueqing, SUBMIT, { input: yueqingBill })).submitClaim).toEqual({ id: BILL, beneficiaryId: PERSON, jurisdiction: "yueqing", fees: { total: "400000.00" } });
    expect((await ok(yueqing, SETTLE, { id: BILL })).settleClaim).toMatchObject({ claimId: BILL, beneficiaryId: PERSON, packId: "yueqing" });

    const seenBy = async (key: string) => (await ok(key, CLAIM, { id: BILL })).claim;
    expect(await seenBy(liaocheng)).toEqual({
      id: BILL,
      beneficiaryId: PERSON,
      jurisdiction: "liaocheng",
      fees: { total: "26000.00" },
      beneficiary: { id: PERSON, name: "聊城户" },
      settlement: { claimId: BILL, beneficiaryId: PERSON, packId: "liaocheng" },
    });
    expect(await seenBy(yueqing)).toMatchObject({ jurisdiction: "yueqing", fees: { total: "400000.00" }, beneficiary: { name: "乐清户" }, settlement: { packId: "yueqing" } });
    expect((await ok(yueqing, BENEFICIARY, { id: PERSON })).beneficiary).toEqual({ id: PERSON, jurisdiction: "yueqing", name: "乐清户", claims: [{ id: BILL }] });
    expect((await ok(liaocheng, BENEFICIARY, { id: PERSON })).beneficiary).toEqual({ id: PERSON, jurisdiction: "liaocheng", name: "聊城户", claims: [{ id: BILL }] });

    // The same again is the same claim; other content under the id is refused without a word of 聊城.
    expect((await ok(yueqing, SUBMIT, { input: yueqingBill })).submitClaim.id).toBe(BILL);
    const conflict = await refusal(yueqing, SUBMIT, { input: { ...yueqingBill, fees: { ...yueqingBill.fees, total: "400000.01" } } });
    expect(conflict).toMatchObject({ code: "CONFLICT", field: "input.id" });
    expect(conflict.message).not.toMatch(LIAOCHENG_WORDS);
  });

  it("answers another jurisdiction's id exactly as a missing one", async () => {
    const ONLY_LIAOCHENG = "LC-ONLY-0001";
    await ok(liaocheng, UPSERT, { input: { ...liaochengPerson, id: ONLY_LIAOCHENG } });
    await ok(liaocheng, SUBMIT, { input: { ...liaochengBill, id: ONLY_LIAOCHENG, beneficiaryId: ONLY_LIAOCHENG } });
    const MISSING = "LC-NONE-0001";
    // What the 乐清 key is told about an id that exists in 聊城 only, with the id blanked out.
    const told = async (query: string, variables: (id: string) => Record<string, unknown>, id: string) => {
      const result = await gql(t.url, yueqing, query, variables(id));
      return JSON.stringify({ data: result.data, errors: result.errors }).split(id).join("<id>");
    };
    const probes: Array<[string, (id: string) => Record<string, unknown>]> = [
      [CLAIM, (id) => ({ id })],
      [BENEFICIARY, (id) => ({ id })],
      [SETTLE, (id) => ({ id })],
      [SUMMARY, (id) => ({ id })],
      [SUBMIT, (id) => ({ input: { ...yueqingBill, id: "YQ-BILL-NEW", beneficiaryId: id } })],
      [`query ($id: String!) { resolutionStatement(beneficiaryId: $id, year: 2023) { year } }`, (id) => ({ id })],
      [`query ($id: String!) { premiumSubsidy(beneficiaryId: $id, year: 2023) { amount } }`, (id) => ({ id })],
    ];
    for (const [query, variables] of probes) {
      const existing = await told(query, variables, ONLY_LIAOCHENG);
      expect(existing).toBe(await told(query, variables, MISSING));
      expect(existing).not.toMatch(LIAOCHENG_WORDS);
    }
    const statement = async (id: string) => {
      const response = await fetch(`${t.url}/api/statements/${id}/2023`, { headers: { authorization: `Bearer ${yueqing}` } });
      return `${response.status} ${(await response.text()).split(id).join("<id>")}`;
    };
    expect(await statement(ONLY_LIAOCHENG)).toBe(await statement(MISSING));
    expect(await statement(MISSING)).toMatch(/^404 /);
    // Nothing of the refused submission was stored.
    expect((await ok(t.keys.admin, CLAIM, { id: "YQ-BILL-NEW" })).claim).toBeNull();
  });

  it("asks a key covering both jurisdictions which one it means, and stores nothing until it says", async () => {
    const both = t.keys.partner; // liaocheng and yueqing
    expect(await refusal(both, CLAIM, { id: BILL })).toMatchObject({ code: "AMBIGUOUS_ID", field: "jurisdiction" });
    expect(await refusal(t.keys.admin, SETTLE, { id: BILL })).toMatchObject({ code: "AMBIGUOUS_ID", field: "jurisdiction" });
    expect((await ok(both, CLAIM, { id: BILL, jurisdiction: "yueqing" })).claim).toMatchObject({ jurisdiction: "yueqing", fees: { total: "400000.00" } });
    expect((await ok(both, SETTLE, { id: BILL, jurisdiction: "liaocheng" })).settleClaim).toMatchObject({ packId: "liaocheng", selfPay: "5300.00" });

    const second = { ...liaochengBill, id: "LC-BILL-2023-0002", date: "2023-04-01" };
    expect(await refusal(both, SUBMIT, { input: second })).toMatchObject({ code: "AMBIGUOUS_ID", field: "input.jurisdiction" });
    expect((await ok(t.keys.admin, CLAIM, { id: second.id })).claim).toBeNull();
    expect((await ok(both, SUBMIT, { input: { ...second, jurisdiction: "liaocheng" } })).submitClaim).toMatchObject({ id: second.id, jurisdiction: "liaocheng" });
    // A jurisdiction the key does not cover is a namespace it cannot address: not found.
    expect((await ok(yueqing, CLAIM, { id: BILL, jurisdiction: "liaocheng" })).claim).toBeNull();
  });

  it("holds ids of the full 64 characters in a jurisdiction's namespace", async () => {
    const long = (tail: string) => `${"长".repeat(20)}${"L".repeat(64 - 20 - tail.length)}${tail}`;
    await ok(yueqing, UPSERT, { input: { ...yueqingPerson, id: long("P") } });
    expect((await ok(yueqing, SUBMIT, { input: { ...yueqingBill, id: long("B"), beneficiaryId: long("P") } })).submitClaim.id).toBe(long("B"));
    expect((await ok(yueqing, SETTLE, { id: long("B") })).settleClaim).toMatchObject({ claimId: long("B"), beneficiaryId: long("P") });
    const entitlements = await ok(t.keys.charity, `{ charityEntitlements(jurisdiction: "yueqing") { edges { node { id beneficiaryId claimId } } } }`, {});
    expect(entitlements.charityEntitlements.edges.map((e: { node: unknown }) => e.node)).toContainEqual({ id: `yueqing:${long("P")}/2023`, beneficiaryId: long("P"), claimId: long("B") });
  });

  it("records a 乐清 household and bill through the plain JSON adapter under ids 聊城 holds", async () => {
    const post = (body: unknown) => fetch(`${t.url}/api/settlement/settle`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${t.keys.partner}` }, body: JSON.stringify(body) });
    const person = { ...yueqingPerson, id: "LC-ONLY-0001", name: "乐清另一户" };
    const response = await post({ beneficiary: person, claim: { ...yueqingBill, id: "LC-ONLY-0001", beneficiaryId: "LC-ONLY-0001" } });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ claimId: "LC-ONLY-0001", packId: "yueqing" });
    expect((await ok(liaocheng, CLAIM, { id: "LC-ONLY-0001" })).claim).toMatchObject({ jurisdiction: "liaocheng", fees: { total: "26000.00" } });
  });
});

describe.each(testDatabases().map((db) => [db.name, db] as const))("the ids-per-jurisdiction migration on %s", (_name, database) => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway(database);
  });
  afterAll(async () => {
    await t?.stop();
  });
  const rows = (sql: string) => t.services.dataSource.query(sql) as Promise<Array<Record<string, string>>>;
  /** Undoes the migrations that came after the ids-per-jurisdiction one, newest first. */
  async function undoMigrationsAfterTenantIds(): Promise<void> {
    const later = MIGRATIONS.length - 1 - MIGRATIONS.findIndex((migration) => migration.name === "TenantIds1731550000000");
    for (let i = 0; i < later; i++) await t.services.dataSource.undoLastMigration({ transaction: "each" });
  }

  const keys = async () => ({
    beneficiaries: (await rows("SELECT id FROM beneficiaries ORDER BY id")).map((r) => r.id),
    claims: (await rows("SELECT id, beneficiary_id FROM claims ORDER BY id")).map((r) => `${r.id} ${r.beneficiary_id}`),
    settlements: (await rows("SELECT claim_id, beneficiary_id FROM settlements ORDER BY claim_id")).map((r) => `${r.claim_id} ${r.beneficiary_id}`),
    yearToDate: [...new Set((await rows("SELECT beneficiary_id FROM year_to_date")).map((r) => r.beneficiary_id))].sort(),
    periods: (await rows("SELECT beneficiary_id FROM category_periods ORDER BY beneficiary_id")).map((r) => r.beneficiary_id),
    entitlements: (await rows("SELECT id, beneficiary_id, claim_id FROM charity_entitlements ORDER BY id")).map((r) => `${r.id} ${r.beneficiary_id} ${r.claim_id}`),
    audit: (await rows("SELECT subject_id FROM audit_log WHERE subject_type IN ('beneficiary', 'claim') ORDER BY id")).map((r) => r.subject_id),
  });

  it("moves the keys of data stored before it into the namespaces, which the gateway then serves, and back", async () => {
    const partner = t.keys.partner;
    const post = async (query: string, variables: Record<string, unknown>) => {
      const result = await gql(t.url, partner, query, variables);
      expect(result.errors).toBeUndefined();
      return result.data!;
    };
    await post(UPSERT, { input: { ...liaochengPerson, id: "LC-M-1" } });
    await post(SUBMIT, { input: { ...liaochengBill, id: "LC-M-1-1", beneficiaryId: "LC-M-1" } });
    await post(SETTLE, { id: "LC-M-1-1" });
    await post(UPSERT, { input: { ...yueqingPerson, id: "YQ-M-1" } });
    await post(SUBMIT, { input: { ...yueqingBill, id: "YQ-M-1-1", beneficiaryId: "YQ-M-1" } });
    await post(SETTLE, { id: "YQ-M-1-1" });
    const qualified = await keys();
    expect(qualified).toEqual({
      beneficiaries: ["liaocheng:LC-M-1", "yueqing:YQ-M-1"],
      claims: ["liaocheng:LC-M-1-1 liaocheng:LC-M-1", "yueqing:YQ-M-1-1 yueqing:YQ-M-1"],
      settlements: ["liaocheng:LC-M-1-1 liaocheng:LC-M-1", "yueqing:YQ-M-1-1 yueqing:YQ-M-1"],
      yearToDate: ["liaocheng:LC-M-1", "yueqing:YQ-M-1"],
      periods: ["liaocheng:LC-M-1", "yueqing:YQ-M-1"],
      entitlements: ["yueqing:YQ-M-1/2023 yueqing:YQ-M-1 yueqing:YQ-M-1-1"],
      audit: ["liaocheng:LC-M-1", "liaocheng:LC-M-1-1", "liaocheng:LC-M-1-1", "yueqing:YQ-M-1", "yueqing:YQ-M-1-1", "yueqing:YQ-M-1-1"],
    });

    // Down gives the single namespace of before; up moves that data in again.
    await undoMigrationsAfterTenantIds();
    await t.services.dataSource.undoLastMigration({ transaction: "each" });
    expect(await keys()).toEqual({
      beneficiaries: ["LC-M-1", "YQ-M-1"],
      claims: ["LC-M-1-1 LC-M-1", "YQ-M-1-1 YQ-M-1"],
      settlements: ["LC-M-1-1 LC-M-1", "YQ-M-1-1 YQ-M-1"],
      yearToDate: ["LC-M-1", "YQ-M-1"],
      periods: ["LC-M-1", "YQ-M-1"],
      entitlements: ["YQ-M-1/2023 YQ-M-1 YQ-M-1-1"],
      audit: ["LC-M-1", "LC-M-1-1", "LC-M-1-1", "YQ-M-1", "YQ-M-1-1", "YQ-M-1-1"],
    });
    await t.services.dataSource.runMigrations({ transaction: "each" });
    expect(await keys()).toEqual(qualified);

    // The migrated year goes on: a second bill continues from the stored account (no deductible
    // again, the cap shared), and the old claim is the same claim.
    expect((await post(SUBMIT, { input: { ...liaochengBill, id: "LC-M-1-1", beneficiaryId: "LC-M-1" } })).submitClaim.id).toBe("LC-M-1-1");
    await post(SUBMIT, { input: { ...liaochengBill, id: "LC-M-1-2", beneficiaryId: "LC-M-1", date: "2023-06-01" } });
    const summary = await post(`query { annualSummary(beneficiaryId: "LC-M-1", year: 2023) { tiers { tier paid } } }`, {});
    await post(SETTLE, { id: "LC-M-1-2" });
    const after = await post(`query { annualSummary(beneficiaryId: "LC-M-1", year: 2023) { tiers { tier paid } } }`, {});
    const assistance = (s: any) => s.annualSummary.tiers.find((x: { tier: string }) => x.tier === "assistance").paid;
    expect(assistance(summary)).toBe("14000.00");
    expect(assistance(after)).toBe("28000.00");
  });

  it("refuses to go down when two jurisdictions hold the same id, changing nothing", async () => {
    await gql(t.url, t.keys.partner, UPSERT, { input: { ...yueqingPerson, id: "LC-M-1" } });
    const before = await keys();
    await undoMigrationsAfterTenantIds();
    await expect(t.services.dataSource.undoLastMigration({ transaction: "each" })).rejects.toThrow();
    expect(await keys()).toEqual(before);
    await t.services.dataSource.runMigrations({ transaction: "each" });
    // Foreign key checks are on again for the connection that ran it.
    await expect(t.services.dataSource.query("INSERT INTO category_periods (beneficiary_id, category, from_date, recorded_at) VALUES ('nobody', 'DIBAO', '2023-01-01', 'x')")).rejects.toThrow();
  });
});
