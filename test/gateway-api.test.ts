/**
 * The GraphQL gateway end to end, over HTTP, on SQLite and (with TEST_MYSQL_URL) on MariaDB:
 * access control, submitting and settling, idempotency, refusals that store nothing, out-of-order
 * claims with adjustments, what-ifs, limits on queries, and the shape of errors.
 */
import { testDatabases } from "./support/databases";
import { gql, startTestGateway, type TestGateway } from "./support/gateway";
import { amountsOf, bill, dibao, SETTLE, SUBMIT, UPSERT } from "./support/claims";

describe.each(testDatabases().map((db) => [db.name, db] as const))("gateway on %s", (_name, database) => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway(database);
  });
  afterAll(async () => {
    await t?.stop();
  });

  it("refuses a request without a key, or with a wrong one, with 401 UNAUTHENTICATED", async () => {
    const none = await gql(t.url, null, "{ rulePacks { id } }");
    expect(none.status).toBe(401);
    expect(none.errors?.[0].extensions?.code).toBe("UNAUTHENTICATED");
    const wrong = await gql(t.url, "mak_aaaaaaaaaaaa_" + "x".repeat(43), "{ rulePacks { id } }");
    expect(wrong.status).toBe(401);
  });

  it("submits and settles a claim with an explanation for every amount", async () => {
    await gql(t.url, t.keys.partner, UPSERT, { input: dibao("GW-1") });
    const submitted = await gql(t.url, t.keys.partner, SUBMIT, { input: bill("GW-1-1", "GW-1", "2023-03-10", "26000.00", "6000.00") });
    expect(submitted.errors).toBeUndefined();
    expect(submitted.data!.submitClaim).toEqual({ id: "GW-1-1", status: "SUBMITTED", fees: { total: "26000.00", policyScope: "26000.00" } });
    const settled = await gql(t.url, t.keys.partner, SETTLE, { id: "GW-1-1" });
    expect(settled.errors).toBeUndefined();
    const settlement = settled.data!.settleClaim;
    expect(amountsOf(settlement)).toMatchObject({ basic: "6000.00", assistance: "14000.00", reassistance: "700.00", selfPay: "5300.00" });
    expect(settlement).toMatchObject({ packId: "liaocheng", packVersion: 1, category: "DIBAO", status: "CURRENT", cause: "INITIAL" });
    const assistance = settlement.lines.find((l: { tier: string }) => l.tier === "assistance");
    expect(assistance).toMatchObject({ source: "COMPUTED", ruleId: "lc-assistance-dibao", clause: "聊政办发〔2022〕5号 三(四)1" });
    expect(assistance.figures).toMatchObject({ base: "20000.00", ratio: "0.7", capLeft: "30000.00" });

    const read = await gql(t.url, t.keys.partner, `{ claim(id: "GW-1-1") { status settlement { id selfPay lines { tier amount } } beneficiary { id } } }`);
    expect(read.data!.claim.status).toBe("SETTLED");
    expect(read.data!.claim.settlement.id).toBe(settlement.id);
  });

  it("is idempotent: the same claim again is the same claim, a settled claim settles to the same settlement", async () => {
    await gql(t.url, t.keys.partner, UPSERT, { input: dibao("GW-2") });
    const input = bill("GW-2-1", "GW-2", "2023-03-10", "26000.00", "6000.00");
    await gql(t.url, t.keys.partner, SUBMIT, { input });
    const again = await gql(t.url, t.keys.partner, SUBMIT, { input });
    expect(again.errors).toBeUndefined();
    const first = await gql(t.url, t.keys.partner, SETTLE, { id: "GW-2-1" });
    const second = await gql(t.url, t.keys.partner, SETTLE, { id: "GW-2-1" });
    expect(second.data!.settleClaim.id).toBe(first.data!.settleClaim.id);
    const summary = await gql(t.url, t.keys.partner, `{ annualSummary(beneficiaryId: "GW-2", year: 2023) { tiers { tier paid capLeft deductibleLeft } } }`);
    const assistance = summary.data!.annualSummary.tiers.find((x: { tier: string }) => x.tier === "assistance");
    expect(assistance).toEqual({ tier: "assistance", paid: "14000.00", capLeft: "16000.00", deductibleLeft: "0.00" });
    const conflict = await gql(t.url, t.keys.partner, SUBMIT, { input: { ...input, fees: { ...input.fees, total: "26000.01" } } });
    expect(conflict.errors?.[0].extensions).toMatchObject({ code: "CONFLICT", field: "input.id" });
  });

  it("refuses bad input with its code and field, and stores nothing", async () => {
    await gql(t.url, t.keys.partner, UPSERT, { input: dibao("GW-3") });
    const negative = await gql(t.url, t.keys.partner, SUBMIT, { input: bill("GW-3-1", "GW-3", "2023-03-10", "-1.00", "0.00") });
    expect(negative.errors?.[0].extensions?.code).toBe("INVALID_AMOUNT");
    expect(negative.errors?.[0].message).toContain("input.fees.total");
    const tooPrecise = await gql(t.url, t.keys.partner, SUBMIT, { input: bill("GW-3-2", "GW-3", "2023-03-10", "100.001", "0.00") });
    expect(tooPrecise.errors?.[0].extensions?.code).toBe("INVALID_AMOUNT");
    const parts = await gql(t.url, t.keys.partner, SUBMIT, { input: { ...bill("GW-3-3", "GW-3", "2023-03-10", "100.00", "0.00"), fees: { total: "100.00", outOfCatalog: "100.01" } } });
    expect(parts.errors?.[0].extensions).toMatchObject({ code: "INCONSISTENT_FEES", field: "input.fees" });
    const date = await gql(t.url, t.keys.partner, SUBMIT, { input: bill("GW-3-4", "GW-3", "2023-02-30", "100.00", "0.00") });
    expect(date.errors?.[0].extensions?.code).toBe("INVALID_DATE");
    const before = await gql(t.url, t.keys.partner, SUBMIT, { input: bill("GW-3-5", "GW-3", "2022-06-01", "100.00", "0.00") });
    expect(before.errors?.[0].extensions?.code).toBe("NO_PACK_IN_FORCE");
    const unset = await gql(t.url, t.keys.partner, SUBMIT, { input: { ...bill("GW-3-6", "GW-3", "2023-03-10", "100.00", "0.00"), reported: { basic: "10.00" } } });
    expect(unset.errors?.[0].extensions).toMatchObject({ code: "PARAMETER_NOT_SET", field: "input.reported", details: ["criticalOrdinarySchedule"] });
    const category = await gql(t.url, t.keys.partner, UPSERT, { input: dibao("GW-3X", { identities: [{ category: "VIP", from: "2023-01-01" }] }) });
    expect(category.errors?.[0].extensions).toMatchObject({ code: "UNKNOWN_CATEGORY", field: "input.identities[0].category" });
    const unknownField = await gql(t.url, t.keys.partner, SUBMIT, { input: { ...bill("GW-3-7", "GW-3", "2023-03-10", "100.00", "0.00"), colour: "red" } });
    expect(unknownField.status).toBe(400);
    expect(unknownField.errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");
    const stored = await gql(t.url, t.keys.admin, `{ beneficiary(id: "GW-3") { claims { id } } x: beneficiary(id: "GW-3X") { id } }`);
    expect(stored.data).toEqual({ beneficiary: { claims: [] }, x: null });
    for (const result of [negative, parts, unset]) expect(JSON.stringify(result.errors)).not.toMatch(/stack|at .*\.ts:|SELECT|INSERT/i);
  });

  it("limits partners to their jurisdictions, masks national IDs, and keeps charity keys from submitting", async () => {
    await gql(t.url, t.keys.partner, UPSERT, { input: dibao("GW-4") });
    const other = await gql(t.url, t.keys.otherPartner, `{ beneficiary(id: "GW-4") { id } }`);
    expect(other.data!.beneficiary).toBeNull();
    const otherSubmit = await gql(t.url, t.keys.otherPartner, SUBMIT, { input: bill("GW-4-1", "GW-4", "2023-03-10", "100.00", "10.00") });
    expect(otherSubmit.errors?.[0].extensions?.code).toBe("NOT_FOUND");
    const otherUpsert = await gql(t.url, t.keys.otherPartner, UPSERT, { input: dibao("GW-4B") });
    expect(otherUpsert.errors?.[0].extensions?.code).toBe("FORBIDDEN");
    const charity = await gql(t.url, t.keys.charity, SUBMIT, { input: bill("GW-4-2", "GW-4", "2023-03-10", "100.00", "10.00") });
    expect(charity.errors?.[0].extensions?.code).toBe("FORBIDDEN");
    const masked = await gql(t.url, t.keys.partner, `{ beneficiary(id: "GW-4") { nationalId } }`);
    expect(masked.data!.beneficiary.nationalId).toBe("370*************34");
    const full = await gql(t.url, t.keys.admin, `{ beneficiary(id: "GW-4") { nationalId } }`);
    expect(full.data!.beneficiary.nationalId).toBe("370102199001011234");
    const page = await gql(t.url, t.keys.otherPartner, `{ beneficiaries(first: 100) { edges { node { jurisdiction } } } }`);
    expect(page.data!.beneficiaries.edges.every((e: { node: { jurisdiction: string } }) => e.node.jurisdiction === "weihai")).toBe(true);
  });

  it("settles an earlier bill that arrives late in date order, superseding later settlements and recording adjustments", async () => {
    await gql(t.url, t.keys.partner, UPSERT, { input: dibao("GW-5") });
    await gql(t.url, t.keys.partner, SUBMIT, { input: bill("GW-5-B", "GW-5", "2023-06-15", "40000.00", "10000.00") });
    const later = await gql(t.url, t.keys.partner, SETTLE, { id: "GW-5-B" });
    expect(amountsOf(later.data!.settleClaim)).toMatchObject({ assistance: "21000.00", reassistance: "2800.00" });
    await gql(t.url, t.keys.partner, SUBMIT, { input: bill("GW-5-A", "GW-5", "2023-02-01", "40000.00", "10000.00") });
    const earlier = await gql(t.url, t.keys.partner, SETTLE, { id: "GW-5-A" });
    expect(amountsOf(earlier.data!.settleClaim)).toMatchObject({ assistance: "21000.00", reassistance: "2800.00", selfPay: "6200.00" });
    const read = await gql(
      t.url,
      t.keys.partner,
      `{ claim(id: "GW-5-B") { settlement { cause selfPay lines { tier amount } } settlementHistory { status cause } adjustments { tier before after difference cause } } }`,
    );
    const claim = read.data!.claim;
    expect(amountsOf(claim.settlement)).toMatchObject({ assistance: "9000.00", reassistance: "14700.00", selfPay: "6300.00" });
    expect(claim.settlement.cause).toBe("OUT_OF_ORDER");
    expect(claim.settlementHistory.map((s: { status: string }) => s.status)).toEqual(["SUPERSEDED", "CURRENT"]);
    expect(claim.adjustments).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ tier: "assistance", before: "21000.00", after: "9000.00", difference: "-12000.00" }),
        expect.objectContaining({ tier: "reassistance", before: "2800.00", after: "14700.00", difference: "11900.00" }),
        expect.objectContaining({ tier: "selfPay", before: "6200.00", after: "6300.00", difference: "100.00" }),
      ]),
    );
    const summary = await gql(t.url, t.keys.partner, `{ annualSummary(beneficiaryId: "GW-5", year: 2023) { tiers { tier paid } } }`);
    expect(summary.data!.annualSummary.tiers).toEqual(expect.arrayContaining([{ tier: "assistance", paid: "30000.00" }, { tier: "reassistance", paid: "17500.00" }]));
  });

  it("never loses an update when two claims of one person are settled at the same time", async () => {
    await gql(t.url, t.keys.partner, UPSERT, { input: dibao("GW-6") });
    const ids = ["GW-6-1", "GW-6-2", "GW-6-3", "GW-6-4"];
    for (const id of ids) await gql(t.url, t.keys.partner, SUBMIT, { input: bill(id, "GW-6", "2023-05-01", "20000.00", "5000.00") });
    const results = await Promise.all(ids.map((id) => gql(t.url, t.keys.partner, SETTLE, { id })));
    for (const r of results) expect(r.errors).toBeUndefined();
    // The bills share a date, so they settle in the order they arrived (submitted): one settled
    // before an earlier-arrived one is settled again when that one comes. What each settleClaim
    // returned may be superseded since; the claims' current settlements are the year's truth.
    const current = await Promise.all(ids.map((id) => gql(t.url, t.keys.partner, `query ($id: ID!) { claim(id: $id) { settlement { selfPay lines { tier amount } } } }`, { id })));
    const total = current.reduce((sum, r) => sum + Number(amountsOf(r.data!.claim.settlement).assistance.replace(".", "")), 0);
    // Four bills of 15,000 in-policy burden: 70% of 60,000 = 42,000, capped at 30,000 for the year.
    expect(total).toBe(3_000_000);
    const summary = await gql(t.url, t.keys.partner, `{ annualSummary(beneficiaryId: "GW-6", year: 2023) { tiers { tier paid } } }`);
    expect(summary.data!.annualSummary.tiers).toEqual(expect.arrayContaining([{ tier: "assistance", paid: "30000.00" }]));
  });

  it("answers a what-if without storing anything", async () => {
    const result = await gql(
      t.url,
      t.keys.partner,
      `mutation ($input: SimulationInput!) { simulateSettlement(input: $input) { claimId settlement { id status selfPay lines { tier amount } } error { code field } } }`,
      {
        input: {
          jurisdiction: "liaocheng",
          beneficiary: dibao("WHATIF-1"),
          claims: [bill("WHATIF-1-1", "WHATIF-1", "2023-03-10", "26000.00", "6000.00"), bill("WHATIF-1-2", "WHATIF-1", "2023-03-11", "-5.00", "0.00")],
          parameters: [{ id: "assistanceDibaoRatio", value: "0.75" }],
        },
      },
    );
    expect(result.errors?.[0].extensions?.code).toBe("INVALID_AMOUNT");
    const ok = await gql(
      t.url,
      t.keys.partner,
      `mutation ($input: SimulationInput!) { simulateSettlement(input: $input) { claimId settlement { id status lines { tier amount } selfPay } error { code } } }`,
      { input: { jurisdiction: "liaocheng", beneficiary: dibao("WHATIF-1"), claims: [bill("WHATIF-1-1", "WHATIF-1", "2023-03-10", "26000.00", "6000.00")], parameters: [{ id: "assistanceDibaoRatio", value: "0.75" }] } },
    );
    const simulated = ok.data!.simulateSettlement[0].settlement;
    expect(simulated).toMatchObject({ id: null, status: "SIMULATED" });
    expect(amountsOf(simulated)).toMatchObject({ assistance: "15000.00" });
    const stored = await gql(t.url, t.keys.admin, `{ claim(id: "WHATIF-1-1") { id } beneficiary(id: "WHATIF-1") { id } }`);
    expect(stored.data).toEqual({ claim: null, beneficiary: null });
  });

  it("answers a what-if for a bill dated before settled ones as settling it will: the year in date order", async () => {
    // The shared scenario's two 聊城 低保 bills, the June one settled first.
    await gql(t.url, t.keys.partner, UPSERT, { input: dibao("WHATIF-2") });
    await gql(t.url, t.keys.partner, SUBMIT, { input: bill("WHATIF-2-JUN", "WHATIF-2", "2023-06-15", "40000.00", "10000.00") });
    const june = await gql(t.url, t.keys.partner, SETTLE, { id: "WHATIF-2-JUN" });
    expect(amountsOf(june.data!.settleClaim)).toMatchObject({ assistance: "21000.00", reassistance: "2800.00", selfPay: "6200.00" });
    const february = bill("WHATIF-2-FEB", "WHATIF-2", "2023-02-01", "40000.00", "10000.00");
    const quoted = await gql(
      t.url,
      t.keys.partner,
      `mutation ($input: SimulationInput!) { simulateSettlement(input: $input) { settlement { selfPay lines { tier amount } } error { code } } }`,
      { input: { jurisdiction: "liaocheng", beneficiaryId: "WHATIF-2", claims: [february] } },
    );
    expect(quoted.errors).toBeUndefined();
    const quote = amountsOf(quoted.data!.simulateSettlement[0].settlement);
    expect(quote).toMatchObject({ assistance: "21000.00", reassistance: "2800.00", selfPay: "6200.00" });
    await gql(t.url, t.keys.partner, SUBMIT, { input: february });
    const settled = await gql(t.url, t.keys.partner, SETTLE, { id: "WHATIF-2-FEB" });
    expect(amountsOf(settled.data!.settleClaim)).toEqual(quote);
  });

  it("lists the rule packs and reports health", async () => {
    const packs = await gql(t.url, t.keys.partner, `{ rulePacks { id version status sourceDocument appliesFrom inForceTo } }`);
    expect(packs.data!.rulePacks.map((p: { id: string }) => p.id).sort()).toEqual(["liaocheng", "yueqing"]);
    expect(packs.data!.rulePacks.find((p: { id: string }) => p.id === "yueqing")).toMatchObject({ status: "ACTIVE", appliesFrom: "2022-01-01", inForceTo: "2025-12-31" });
    const health = await fetch(`${t.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: "ok", database: "ok" });
  });

  it("refuses a query past the depth limit with 400 QUERY_TOO_DEEP", async () => {
    const deep = await gql(t.url, t.keys.admin, `{ claim(id: "x") { beneficiary { claims { beneficiary { claims { beneficiary { claims { beneficiary { id } } } } } } } } }`);
    expect(deep.status).toBe(400);
    expect(deep.errors?.[0].extensions?.code).toBe("QUERY_TOO_DEEP");
  });

  it("refuses a query past the cost limit with 400 QUERY_TOO_COMPLEX", async () => {
    const costly = await gql(t.url, t.keys.admin, `{ beneficiaries(first: 100) { edges { node { claims { settlementHistory { lines { tier amount figures } } } } } } }`);
    expect(costly.status).toBe(400);
    expect(costly.errors?.[0].extensions?.code).toBe("QUERY_TOO_COMPLEX");
  });
});
