/**
 * A category recorded with an earlier effective date reaches claims already settled: their years
 * are settled again in date order and the differences kept as adjustments (SQLite, and MariaDB with
 * TEST_MYSQL_URL). Here 聊城's 因病致贫重病患者, whose costs count from 12 months before the
 * application month (四(一)).
 */
import { testDatabases } from "./support/databases";
import { gql, startTestGateway, type TestGateway } from "./support/gateway";

const UPSERT = `mutation ($input: BeneficiaryInput!) { upsertBeneficiary(input: $input) { id } }`;

describe.each(testDatabases().map((db) => [db.name, db] as const))("retroactive categories on %s", (_name, database) => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway(database);
  });
  afterAll(async () => {
    await t?.stop();
  });

  it("re-settles the claims a newly recorded category reaches, recording adjustments", async () => {
    await gql(t.url, t.keys.partner, UPSERT, { input: { id: "RT-1", jurisdiction: "liaocheng", name: "戊", identities: [] } });
    await gql(t.url, t.keys.partner, `mutation ($input: ClaimInput!) { submitClaim(input: $input) { id } }`, {
      input: { id: "RT-1-1", beneficiaryId: "RT-1", date: "2023-01-10", kind: "INPATIENT", fees: { total: "40000.00" }, reported: { basic: "10000.00", critical: "0.00" } },
    });
    const before = await gql(t.url, t.keys.partner, `mutation { settleClaim(id: "RT-1-1") { selfPay lines { tier amount reason } } }`);
    expect(before.data!.settleClaim.selfPay).toBe("30000.00");

    const recorded = await gql(t.url, t.keys.partner, UPSERT, {
      input: { id: "RT-1", jurisdiction: "liaocheng", name: "戊", identities: [{ category: "ILLNESS_IMPOVERISHED", from: "2023-06-15" }] },
    });
    expect(recorded.errors).toBeUndefined();
    const after = await gql(t.url, t.keys.partner, `{ claim(id: "RT-1-1") { settlement { cause selfPay lines { tier amount ruleId } } settlementHistory { status } adjustments { tier before after difference cause } } }`);
    const claim = after.data!.claim;
    expect(claim.settlement.cause).toBe("RETROACTIVE");
    expect(claim.settlement.selfPay).toBe("18000.00");
    expect(claim.settlement.lines.find((l: { tier: string }) => l.tier === "assistance")).toEqual({ tier: "assistance", amount: "12000.00", ruleId: "lc-assistance-illness" });
    expect(claim.settlementHistory.map((s: { status: string }) => s.status)).toEqual(["SUPERSEDED", "CURRENT"]);
    expect(claim.adjustments).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ tier: "assistance", before: "0.00", after: "12000.00", difference: "12000.00" }),
        expect.objectContaining({ tier: "selfPay", difference: "-12000.00" }),
      ]),
    );
    // The same record again changes nothing more.
    await gql(t.url, t.keys.partner, UPSERT, { input: { id: "RT-1", jurisdiction: "liaocheng", name: "戊", identities: [{ category: "ILLNESS_IMPOVERISHED", from: "2023-06-15" }] } });
    const again = await gql(t.url, t.keys.partner, `{ claim(id: "RT-1-1") { settlementHistory { status } } }`);
    expect(again.data!.claim.settlementHistory).toHaveLength(2);
  });

  it("reaches into the previous calendar year when the lookback does (四(一): 12 months before the application month)", async () => {
    await gql(t.url, t.keys.partner, UPSERT, { input: { id: "RT-2", jurisdiction: "liaocheng", name: "己", identities: [] } });
    await gql(t.url, t.keys.partner, `mutation ($input: ClaimInput!) { submitClaim(input: $input) { id } }`, {
      input: { id: "RT-2-1", beneficiaryId: "RT-2", date: "2022-12-28", kind: "INPATIENT", fees: { total: "40000.00" }, reported: { basic: "10000.00", critical: "0.00" } },
    });
    const before = await gql(t.url, t.keys.partner, `mutation { settleClaim(id: "RT-2-1") { selfPay } }`);
    expect(before.data!.settleClaim.selfPay).toBe("30000.00");

    // Applied in February 2023: costs from 2022-02-01 count, so a bill of 28 December 2022 (the pack is in force from 2022-12-27) is reached.
    const recorded = await gql(t.url, t.keys.partner, UPSERT, {
      input: { id: "RT-2", jurisdiction: "liaocheng", name: "己", identities: [{ category: "ILLNESS_IMPOVERISHED", from: "2023-02-15" }] },
    });
    expect(recorded.errors).toBeUndefined();
    const after = await gql(t.url, t.keys.partner, `{ claim(id: "RT-2-1") { settlement { cause selfPay lines { tier amount ruleId } } } }`);
    expect(after.data!.claim.settlement.cause).toBe("RETROACTIVE");
    expect(after.data!.claim.settlement.lines.find((l: { tier: string }) => l.tier === "assistance")).toEqual({ tier: "assistance", amount: "12000.00", ruleId: "lc-assistance-illness" });
  });
});
