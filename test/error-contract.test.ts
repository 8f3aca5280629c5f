/**
 * The error contract, over HTTP through GraphQL and the /api adapter: every refusal a client can
 * get carries a code and a non-empty field, and the field is the path of the argument (or body
 * member) as the client wrote it.
 */
import { testDatabases } from "./support/databases";
import { gql, startTestGateway, type TestGateway } from "./support/gateway";

type Key = "admin" | "partner" | "otherPartner" | "charity" | null;

const UPSERT = `mutation ($input: BeneficiaryInput!) { upsertBeneficiary(input: $input) { id } }`;
const SUBMIT = `mutation ($input: ClaimInput!) { submitClaim(input: $input) { id } }`;
const SIMULATE = `mutation ($input: SimulationInput!) { simulateSettlement(input: $input) { claimId error { code field message } } }`;

const beneficiary = { id: "EC-1", jurisdiction: "liaocheng", name: "张三", nationalId: "370102199001011234", identities: [{ category: "DIBAO", from: "2023-01-01", to: null }] };
function bill(id: string, extra: Record<string, unknown> = {}) {
  return { id, beneficiaryId: "EC-1", date: "2023-03-01", kind: "INPATIENT", fees: { total: "26000.00", outOfCatalog: "0.00", classBSelfPay: "0.00", overStandard: "0.00" }, reported: { basic: "6000.00", critical: "0.00" }, ...extra };
}
/** A value written inline in a document; a string "$name" stays the variable it names, a kind of care is an enum value. */
function inline(value: unknown): string {
  if (typeof value === "string") return value.startsWith("$") ? value : JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(inline).join(", ")}]`;
  if (value && typeof value === "object") return `{ ${Object.entries(value).map(([key, item]) => `${key}: ${key === "kind" && typeof item === "string" ? item : inline(item)}`).join(", ")} }`;
  return String(value);
}
const inconsistentFees = { total: "100.00", outOfCatalog: "200.00", classBSelfPay: "0.00", overStandard: "0.00" };

/** [what, key, query, variables, code, field] */
const GRAPHQL_REFUSALS: Array<[string, Key, string, Record<string, unknown>, string, string]> = [
  ["no key", null, "{ rulePacks { id } }", {}, "UNAUTHENTICATED", "Authorization"],
  ["a wrong key", null, "{ rulePacks { id } }", {}, "UNAUTHENTICATED", "Authorization"],
  ["a document that does not parse", "partner", "{ rulePacks { id }", {}, "GRAPHQL_PARSE_FAILED", "query"],
  ["an unknown field", "partner", "{ nothing }", {}, "GRAPHQL_VALIDATION_FAILED", "nothing"],
  ["a missing argument", "partner", "{ claim { id } }", {}, "GRAPHQL_VALIDATION_FAILED", "id"],
  ["an unknown argument", "partner", `{ claim(id: "x", colour: 1) { id } }`, {}, "GRAPHQL_VALIDATION_FAILED", "colour"],
  ["a variable missing a field", "partner", SUBMIT, { input: { id: "x" } }, "BAD_USER_INPUT", "input"],
  ["a too deep query", "partner", `{ claim(id: "x") { beneficiary { claims { beneficiary { claims { beneficiary { claims { beneficiary { id } } } } } } } } }`, {}, "QUERY_TOO_DEEP", "query"],
  ["a too costly query", "admin", `{ beneficiaries(first: 100) { edges { node { claims { settlementHistory { lines { tier amount figures } } } } } } }`, {}, "QUERY_TOO_COMPLEX", "query"],
  ["a negative amount (scalar)", "partner", SUBMIT, { input: bill("EC-X", { fees: { total: "-1.00" } }) }, "INVALID_AMOUNT", "input.fees.total"],
  ["a malformed date (scalar)", "partner", SUBMIT, { input: bill("EC-X", { date: "2023-02-30" }) }, "INVALID_DATE", "input.date"],
  ["an amount with a sign, inline", "partner", `mutation { submitClaim(input: ${inline(bill("EC-X", { fees: { total: "+5.00" } }))}) { id } }`, {}, "INVALID_AMOUNT", "input.fees.total"],
  ["an amount with a sign, in a variable named otherwise", "partner", `mutation ($c: ClaimInput!) { submitClaim(input: $c) { id } }`, { c: bill("EC-X", { fees: { total: "+5.00" } }) }, "INVALID_AMOUNT", "input.fees.total"],
  ["an amount with a sign, in a variable inside a literal", "partner", `mutation ($t: Money!) { submitClaim(input: ${inline(bill("EC-X", { fees: { total: "$t" } }))}) { id } }`, { t: "+5.00" }, "INVALID_AMOUNT", "input.fees.total"],
  ["a malformed date in a list, inline", "partner", `mutation { simulateSettlement(input: ${inline({ jurisdiction: "liaocheng", beneficiaryId: "EC-1", claims: [bill("S-1"), bill("S-2", { date: "2023-02-30" })] })}) { claimId } }`, {}, "INVALID_DATE", "input.claims[1].date"],
  ["an amount with a leading space", "partner", SUBMIT, { input: bill("EC-X", { fees: { total: " 5.00" } }) }, "INVALID_AMOUNT", "input.fees.total"],
  ["a list nested 3,000 deep", "partner", `{ claim(id: ${"[".repeat(3000)}${"]".repeat(3000)}) { id } }`, {}, "QUERY_TOO_DEEP", "query"],
  ["a variable missing a field, named otherwise", "partner", `mutation ($c: ClaimInput!) { submitClaim(input: $c) { id } }`, { c: { id: "x" } }, "BAD_USER_INPUT", "input"],
  ["submitClaim: inconsistent fees", "partner", SUBMIT, { input: bill("EC-X", { fees: inconsistentFees }) }, "INCONSISTENT_FEES", "input.fees"],
  ["submitClaim: no pack in force", "partner", SUBMIT, { input: bill("EC-X", { date: "2019-03-01" }) }, "NO_PACK_IN_FORCE", "input.date"],
  ["submitClaim: a reported tier over what is left", "partner", SUBMIT, { input: bill("EC-X", { reported: { basic: "30000.00" } }) }, "INCONSISTENT_FEES", "input.reported.basic"],
  ["submitClaim: a tier whose parameter is not set", "partner", SUBMIT, { input: bill("EC-X", { reported: {} }) }, "PARAMETER_NOT_SET", "input.reported"],
  ["submitClaim: an unknown beneficiary", "partner", SUBMIT, { input: bill("EC-X", { beneficiaryId: "NOBODY" }) }, "NOT_FOUND", "input.beneficiaryId"],
  ["submitClaim: another jurisdiction's beneficiary", "otherPartner", SUBMIT, { input: bill("EC-X") }, "NOT_FOUND", "input.beneficiaryId"],
  ["submitClaim: a CHARITY key", "charity", SUBMIT, { input: bill("EC-X") }, "FORBIDDEN", "Authorization"],
  ["submitClaim: a used id with another bill", "partner", SUBMIT, { input: bill("EC-1-1", { fees: { ...bill("x").fees, total: "26000.01" } }) }, "CONFLICT", "input.id"],
  ["upsertBeneficiary: no name", "partner", UPSERT, { input: { ...beneficiary, name: " " } }, "INVALID_INPUT", "input.name"],
  ["upsertBeneficiary: an unknown jurisdiction", "partner", UPSERT, { input: { ...beneficiary, jurisdiction: "atlantis" } }, "UNKNOWN_PACK", "input.jurisdiction"],
  ["upsertBeneficiary: a jurisdiction not on the key", "otherPartner", UPSERT, { input: { ...beneficiary, id: "EC-W" } }, "FORBIDDEN", "input.jurisdiction"],
  ["upsertBeneficiary: an unknown category", "partner", UPSERT, { input: { ...beneficiary, identities: [{ category: "KING", from: "2023-01-01" }] } }, "UNKNOWN_CATEGORY", "input.identities[0].category"],
  ["upsertBeneficiary: a CHARITY key", "charity", UPSERT, { input: beneficiary }, "FORBIDDEN", "Authorization"],
  ["settleClaim: an unknown claim", "partner", `mutation { settleClaim(id: "NOPE") { id } }`, {}, "NOT_FOUND", "id"],
  ["settleClaim: a CHARITY key", "charity", `mutation { settleClaim(id: "EC-1-1") { id } }`, {}, "FORBIDDEN", "Authorization"],
  ["simulateSettlement: a jurisdiction not on the key", "otherPartner", SIMULATE, { input: { jurisdiction: "liaocheng", beneficiaryId: "EC-1", claims: [bill("S-1")] } }, "FORBIDDEN", "input.jurisdiction"],
  ["simulateSettlement: an unknown jurisdiction", "admin", SIMULATE, { input: { jurisdiction: "atlantis", beneficiaryId: "EC-1", claims: [bill("S-1")] } }, "UNKNOWN_PACK", "input.jurisdiction"],
  ["simulateSettlement: an unknown beneficiary", "partner", SIMULATE, { input: { jurisdiction: "liaocheng", beneficiaryId: "NOBODY", claims: [bill("S-1")] } }, "NOT_FOUND", "input.beneficiaryId"],
  ["simulateSettlement: no pack in force", "partner", SIMULATE, { input: { jurisdiction: "liaocheng", beneficiaryId: "EC-1", claims: [bill("S-1", { date: "2019-03-01" })] } }, "NO_PACK_IN_FORCE", "input.claims[0].date"],
  ["simulateSettlement: a tier whose parameter is not set", "partner", SIMULATE, { input: { jurisdiction: "liaocheng", beneficiaryId: "EC-1", claims: [bill("S-1", { reported: {} })] } }, "PARAMETER_NOT_SET", "input.parameters.basicDeductible"],
  ["resettle: a PARTNER key", "partner", `mutation { resettle(beneficiaryId: "EC-1", year: 2023) { id } }`, {}, "FORBIDDEN", "Authorization"],
  ["resettle: an unknown beneficiary", "admin", `mutation { resettle(beneficiaryId: "NOBODY", year: 2023) { id } }`, {}, "NOT_FOUND", "beneficiaryId"],
  ["annualSummary: an unknown beneficiary", "partner", `{ annualSummary(beneficiaryId: "NOBODY", year: 2023) { year } }`, {}, "NOT_FOUND", "beneficiaryId"],
  ["resolutionStatement: an unknown beneficiary", "partner", `{ resolutionStatement(beneficiaryId: "NOBODY", year: 2023) { year } }`, {}, "NOT_FOUND", "beneficiaryId"],
  ["premiumSubsidy: an unknown beneficiary", "partner", `{ premiumSubsidy(beneficiaryId: "NOBODY", year: 2023) { year } }`, {}, "NOT_FOUND", "beneficiaryId"],
  ["premiumSubsidyReport: a jurisdiction not on the key", "partner", `{ premiumSubsidyReport(jurisdiction: "weihai", year: 2023) { year } }`, {}, "FORBIDDEN", "jurisdiction"],
  ["beneficiaries: a page too large", "partner", `{ beneficiaries(first: 101) { edges { node { id } } } }`, {}, "INVALID_INPUT", "first"],
  ["beneficiaries: a cursor not ours", "partner", `{ beneficiaries(after: "zz") { edges { node { id } } } }`, {}, "INVALID_INPUT", "after"],
  ["createCharityFund: a PARTNER key", "partner", `mutation { createCharityFund(input: { id: "F-1", name: "f", kind: CITY, jurisdiction: "liaocheng" }) { id } }`, {}, "FORBIDDEN", "Authorization"],
  ["createCharityFund: an unknown kind (not in the FundKind enum)", "admin", `mutation ($input: CharityFundInput!) { createCharityFund(input: $input) { id } }`, { input: { id: "F-1", name: "f", kind: "MOON", jurisdiction: "liaocheng" } }, "BAD_USER_INPUT", "input.kind"],
  ["submitClaim: a misspelt kind written in the document", "partner", `mutation { submitClaim(input: { id: "EC-X", beneficiaryId: "EC-1", date: "2023-03-01", kind: INPATENT, fees: { total: "1.00" } }) { id } }`, {}, "GRAPHQL_VALIDATION_FAILED", "input.kind"],
  ["recordFundIncome: a bad request id", "charity", `mutation { recordFundIncome(input: { requestId: "x", fundId: "F", type: DONATION, amount: "1.00", reason: "r" }) { requestId } }`, {}, "INVALID_INPUT", "input.requestId"],
  ["recordFundIncome: an unknown fund", "charity", `mutation { recordFundIncome(input: { requestId: "req-00001", fundId: "NOFUND", type: DONATION, amount: "1.00", reason: "r" }) { requestId } }`, {}, "NOT_FOUND", "input.fundId"],
  ["recordFundIncome: a zero amount", "charity", `mutation { recordFundIncome(input: { requestId: "req-00002", fundId: "NOFUND", type: DONATION, amount: "0.00", reason: "r" }) { requestId } }`, {}, "INVALID_AMOUNT", "input.amount"],
  ["allocateCharity: a bad request id", "charity", `mutation { allocateCharity(entitlementId: "E", requestId: "x", reason: "r") { allocated } }`, {}, "INVALID_INPUT", "requestId"],
  ["allocateCharity: an unknown entitlement", "charity", `mutation { allocateCharity(entitlementId: "E", requestId: "req-00003", reason: "r") { allocated } }`, {}, "NOT_FOUND", "entitlementId"],
  ["allocateCharity: a PARTNER key", "partner", `mutation { allocateCharity(entitlementId: "E", requestId: "req-00004", reason: "r") { allocated } }`, {}, "FORBIDDEN", "Authorization"],
  ["reverseLedgerEntry: an unknown entry", "charity", `mutation { reverseLedgerEntry(input: { requestId: "req-00005", entryId: 999999, reason: "r" }) { requestId } }`, {}, "NOT_FOUND", "input.entryId"],
  ["fundReport: an unknown fund", "charity", `{ fundReport(fundId: "NOFUND", from: "2023-01-01", to: "2023-12-31") { income } }`, {}, "NOT_FOUND", "fundId"],
  ["publishRulePack: a PARTNER key", "partner", `mutation { publishRulePack(document: {}) { scenariosChecked } }`, {}, "FORBIDDEN", "Authorization"],
  ["publishRulePack: an invalid document", "admin", `mutation { publishRulePack(document: { id: "liaocheng" }) { scenariosChecked } }`, {}, "INVALID_PACK", "document"],
  ["activateRulePack: an unknown version", "admin", `mutation { activateRulePack(id: "liaocheng", version: 99) { id } }`, {}, "NOT_FOUND", "id"],
  ["rollbackRulePack: an unknown pack", "admin", `mutation { rollbackRulePack(id: "atlantis") { id } }`, {}, "NOT_FOUND", "id"],
  ["acknowledgeRiskAlert: an unknown alert", "partner", `mutation { acknowledgeRiskAlert(id: 999999, note: "n") { id } }`, {}, "NOT_FOUND", "id"],
  ["subscribeWebhook: not a URL", "partner", `mutation { subscribeWebhook(url: "nope", events: ["settlement.created"]) { id } }`, {}, "INVALID_INPUT", "url"],
];

/** [what, key, method, path, body, status, code, field] */
const API_REFUSALS: Array<[string, Key, "GET" | "POST", string, unknown, number, string, string]> = [
  ["no key", null, "POST", "/api/settlement/quote", { jurisdiction: "liaocheng", claim: bill("Q-1") }, 401, "UNAUTHENTICATED", "Authorization"],
  ["a body that is not an object", "partner", "POST", "/api/settlement/quote", [], 400, "INVALID_INPUT", "body"],
  ["quote: no claims", "partner", "POST", "/api/settlement/quote", { jurisdiction: "liaocheng", beneficiary: { id: "Q" } }, 400, "INVALID_INPUT", "claims"],
  ["quote: a jurisdiction not on the key", "otherPartner", "POST", "/api/settlement/quote", { jurisdiction: "liaocheng", beneficiary: { id: "Q" }, claim: bill("Q-1") }, 403, "FORBIDDEN", "jurisdiction"],
  ["quote: an unknown beneficiary", "partner", "POST", "/api/settlement/quote", { jurisdiction: "liaocheng", beneficiaryId: "NOBODY", claim: bill("Q-1") }, 404, "NOT_FOUND", "beneficiaryId"],
  ["quote: no pack in force", "partner", "POST", "/api/settlement/quote", { jurisdiction: "liaocheng", beneficiaryId: "EC-1", claim: bill("Q-1", { date: "2019-03-01" }) }, 200, "NO_PACK_IN_FORCE", "claim.date"],
  ["settle: a CHARITY key", "charity", "POST", "/api/settlement/settle", { claim: bill("A-1") }, 403, "FORBIDDEN", "Authorization"],
  ["settle: a negative amount", "partner", "POST", "/api/settlement/settle", { claim: bill("A-1", { fees: { total: "-1.00" } }) }, 400, "INVALID_AMOUNT", "claim.fees.total"],
  ["settle: inconsistent fees", "partner", "POST", "/api/settlement/settle", { claim: bill("A-1", { fees: inconsistentFees }) }, 400, "INCONSISTENT_FEES", "claim.fees"],
  ["settle: no pack in force", "partner", "POST", "/api/settlement/settle", { claim: bill("A-1", { date: "2019-03-01" }) }, 400, "NO_PACK_IN_FORCE", "claim.date"],
  ["settle: an unknown beneficiary", "partner", "POST", "/api/settlement/settle", { claim: bill("A-1", { beneficiaryId: "NOBODY" }) }, 404, "NOT_FOUND", "claim.beneficiaryId"],
  ["settle: a used id with another bill", "partner", "POST", "/api/settlement/settle", { claim: bill("EC-1-1", { fees: { ...bill("x").fees, total: "26000.01" } }) }, 409, "CONFLICT", "claim.id"],
  ["settle: a beneficiary without a name", "partner", "POST", "/api/settlement/settle", { beneficiary: { ...beneficiary, name: "" }, claim: bill("A-1") }, 400, "INVALID_INPUT", "beneficiary.name"],
  ["settle: a beneficiary of a jurisdiction not on the key", "otherPartner", "POST", "/api/settlement/settle", { beneficiary: { ...beneficiary, id: "A-W" }, claim: bill("A-1") }, 403, "FORBIDDEN", "beneficiary.jurisdiction"],
  ["statement: a malformed year", "partner", "GET", "/api/statements/EC-1/23", undefined, 400, "INVALID_INPUT", "year"],
  ["statement: an unknown beneficiary", "partner", "GET", "/api/statements/NOBODY/2023", undefined, 404, "NOT_FOUND", "beneficiaryId"],
];

describe.each(testDatabases().map((db) => [db.name, db] as const))("the error contract on %s", (_name, database) => {
  let t: TestGateway;
  const keyOf = (key: Key) => (key === null ? null : t.keys[key]);
  beforeAll(async () => {
    t = await startTestGateway(database);
    expect((await gql(t.url, t.keys.partner, UPSERT, { input: beneficiary })).errors).toBeUndefined();
    expect((await gql(t.url, t.keys.partner, SUBMIT, { input: bill("EC-1-1") })).errors).toBeUndefined();
  });
  afterAll(async () => {
    await t?.stop();
  });

  it.each(GRAPHQL_REFUSALS)("GraphQL: %s", async (what, key, query, variables, code, field) => {
    const result = await gql(t.url, what === "a wrong key" ? "mak_aaaaaaaaaaaa_" + "x".repeat(43) : keyOf(key), query, variables);
    const refusal = result.errors?.[0] ?? result.data?.simulateSettlement?.[0]?.error;
    expect(refusal).toBeDefined();
    const extensions = result.errors ? result.errors[0].extensions : refusal;
    expect({ code: extensions?.code, field: extensions?.field }).toEqual({ code, field });
  });

  it.each(API_REFUSALS)("/api: %s", async (_what, key, method, path, body, status, code, field) => {
    const headers: Record<string, string> = { "content-type": "application/json" };
    const bearer = keyOf(key);
    if (bearer) headers.authorization = `Bearer ${bearer}`;
    const response = await fetch(`${t.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const answer = (await response.json()) as { error?: { code: string; field: string }; results?: Array<{ error: { code: string; field: string } }> };
    // A quote answers 200 with each claim's refusal in its result.
    const error = answer.error ?? answer.results?.[0].error;
    expect({ status: response.status, code: error?.code, field: error?.field }).toEqual({ status, code, field });
  });

  it("names a fee error of one claim the same way in submitClaim, simulateSettlement and both /api routes", async () => {
    const submitted = await gql(t.url, t.keys.partner, SUBMIT, { input: bill("EC-F", { fees: inconsistentFees }) });
    const simulated = await gql(t.url, t.keys.partner, SIMULATE, { input: { jurisdiction: "liaocheng", beneficiaryId: "EC-1", claims: [bill("EC-F0"), bill("EC-F", { fees: inconsistentFees })] } });
    expect(submitted.errors![0].extensions).toMatchObject({ code: "INCONSISTENT_FEES", field: "input.fees" });
    expect(simulated.data!.simulateSettlement[1].error).toMatchObject({ code: "INCONSISTENT_FEES", field: "input.claims[1].fees" });
    expect(simulated.data!.simulateSettlement[1].error.message).toMatch(/^input\.claims\[1\]\.fees: /);

    const post = async (path: string, body: unknown) =>
      (await (await fetch(`${t.url}${path}`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${t.keys.partner}` }, body: JSON.stringify(body) })).json()) as any;
    const settled = await post("/api/settlement/settle", { claim: bill("EC-F", { fees: inconsistentFees }) });
    const quoted = await post("/api/settlement/quote", { jurisdiction: "liaocheng", beneficiaryId: "EC-1", claim: bill("EC-F", { fees: inconsistentFees }) });
    const quotedMany = await post("/api/settlement/quote", { jurisdiction: "liaocheng", beneficiaryId: "EC-1", claims: [bill("EC-F0"), bill("EC-F", { fees: inconsistentFees })] });
    expect(settled.error).toMatchObject({ code: "INCONSISTENT_FEES", field: "claim.fees" });
    expect(quoted.results[0].error).toMatchObject({ code: "INCONSISTENT_FEES", field: "claim.fees" });
    expect(quotedMany.results[1].error).toMatchObject({ code: "INCONSISTENT_FEES", field: "claims[1].fees" });
  });
});
