/**
 * What a year's bills cost, counted rather than timed, through the running gateway on SQLite and
 * (with TEST_MYSQL_URL) MariaDB: a what-if of bills in falling date order settles each bill a
 * bounded number of times (n and 2n bills: about twice the work, not four times); a late bill's
 * replay settles each bill of the year once; a bill at the end of the year replays nothing. A quote
 * gives each bill as it stands once all are settled, which is what settling them gives.
 */
import * as settleModule from "../src/engine/settle";
import { testDatabases } from "./support/databases";
import { gql, startTestGateway, type TestGateway } from "./support/gateway";

const QUOTE = `mutation ($input: SimulationInput!) { simulateSettlement(input: $input) { claimId settlement { selfPay lines { tier amount } } error { code field } } }`;
const SUBMIT = `mutation ($input: ClaimInput!) { submitClaim(input: $input) { id } }`;
const SETTLE = `mutation ($id: ID!) { settleClaim(id: $id) { selfPay lines { tier amount } } }`;

/** Near-DIBAO in 聊城 has a yearly deductible, so the order of a year's bills changes what each pays. */
const beneficiary = (id: string) => ({ id, jurisdiction: "liaocheng", name: "序", identities: [{ category: "NEAR_DIBAO", from: "2023-01-01" }] });
const bill = (beneficiaryId: string, id: string, date: string) => ({
  id,
  beneficiaryId,
  date,
  kind: "INPATIENT",
  fees: { total: "5000.00", outOfCatalog: "0.00", classBSelfPay: "0.00", overStandard: "0.00" },
  reported: { basic: "2000.00", critical: "0.00" },
});
/** `n` bills of 2023 in falling date order, the first on 2023-12-30. */
const falling = (beneficiaryId: string, n: number) => Array.from({ length: n }, (_, i) => bill(beneficiaryId, `${beneficiaryId}-${i}`, new Date(Date.UTC(2023, 11, 30 - i)).toISOString().slice(0, 10)));

describe.each(testDatabases().map((db) => [db.name, db] as const))("a year's cost on %s", (_name, database) => {
  let t: TestGateway;
  // Spied on (calling through) while this database's gateway runs, so each block counts its own.
  let settleCalls: jest.SpyInstance;
  const callsDuring = async (work: () => Promise<unknown>) => {
    settleCalls.mockClear();
    await work();
    return settleCalls.mock.calls.length;
  };
  const record = (id: string) => gql(t.url, t.keys.partner, `mutation ($input: BeneficiaryInput!) { upsertBeneficiary(input: $input) { id } }`, { input: beneficiary(id) });
  const submitAndSettle = async (claim: object & { id: string }) => {
    expect((await gql(t.url, t.keys.partner, SUBMIT, { input: claim })).errors).toBeUndefined();
    const settled = await gql(t.url, t.keys.partner, SETTLE, { id: claim.id });
    expect(settled.errors).toBeUndefined();
    return settled.data!.settleClaim;
  };

  beforeAll(async () => {
    settleCalls = jest.spyOn(settleModule, "settle");
    t = await startTestGateway(database);
  });
  afterAll(async () => {
    settleCalls.mockRestore();
    await t?.stop();
  });

  it("quotes bills in falling date order with work linear in their number", async () => {
    const quote = (n: number) => async () => {
      const result = await gql(t.url, t.keys.partner, QUOTE, { input: { jurisdiction: "liaocheng", beneficiary: beneficiary(`RC-Q${n}`), claims: falling(`RC-Q${n}`, n) } });
      expect(result.data!.simulateSettlement.every((r: { error: unknown }) => r.error === null)).toBe(true);
    };
    const small = await callsDuring(quote(60));
    const large = await callsDuring(quote(120));
    expect(large / small).toBeLessThan(2.5);
  });

  it("replays a late bill's year settling each bill once, and settles a bill at the year's end alone", async () => {
    await record("RC-S");
    for (const claim of falling("RC-S", 6).reverse()) await submitAndSettle(claim);
    const late = bill("RC-S", "RC-S-late", "2023-01-05");
    expect(await callsDuring(() => submitAndSettle(late))).toBe(1 + 7); // submit's check, then the year of 7 bills
    const last = bill("RC-S", "RC-S-last", "2023-12-31");
    expect(await callsDuring(() => submitAndSettle(last))).toBe(1 + 1);
  });

  it("quotes each bill as it stands once all are settled, as settling them in the same order gives", async () => {
    const claims = [bill("RC-O", "RC-O-mar", "2023-03-10"), bill("RC-O", "RC-O-jan", "2023-01-10")];
    const quoted = await gql(t.url, t.keys.partner, QUOTE, { input: { jurisdiction: "liaocheng", beneficiary: beneficiary("RC-O"), claims } });
    await record("RC-O");
    for (const claim of claims) await submitAndSettle(claim);
    const current = await gql(t.url, t.keys.partner, `query { mar: claim(id: "RC-O-mar") { settlement { selfPay lines { tier amount } } } jan: claim(id: "RC-O-jan") { settlement { selfPay lines { tier amount } } } }`);
    expect(quoted.data!.simulateSettlement.map((r: { settlement: unknown }) => r.settlement)).toEqual([current.data!.mar.settlement, current.data!.jan.settlement]);
    // The order mattered: January took the deductible, so March pays and January does not.
    expect(current.data!.mar.settlement.selfPay).not.toBe(current.data!.jan.settlement.selfPay);
  });
});
