/**
 * One vocabulary: the closed word lists are GraphQL enums built from their one definition, so that
 * a client generated from the SDL (codegen) cannot send a misspelt kind; a misspelt value sent
 * anyway is refused by GraphQL with a code and a field. Unknown categories stay UNKNOWN_CATEGORY.
 */
import "reflect-metadata";
import { GraphQLEnumType, getNamedType, isEnumType, parse, validate, type GraphQLSchema } from "graphql";
import { buildGatewaySchema } from "../src/gateway/schema";
import type { Services } from "../src/gateway/services";
import { CATEGORIES, CLAIM_KINDS, PROGRAMS, TIERS, TIERS_AND_SELF_PAY } from "../src/engine/vocabulary";
import { ROLES } from "../src/access/access.entity";
import { SETTLEMENT_CAUSES, SETTLEMENT_STATUSES } from "../src/settlement/settlement.entity";
import { ENTITLEMENT_STATUSES, FUND_KINDS, LEDGER_TYPES } from "../src/charity/charity.entity";
import { testDatabases } from "./support/databases";
import { gql, startTestGateway, type TestGateway } from "./support/gateway";

let schema: GraphQLSchema;
beforeAll(async () => {
  schema = await buildGatewaySchema({} as Services);
});

function enumValues(name: string): string[] {
  const type = schema.getType(name);
  if (!isEnumType(type)) throw new Error(`${name} is not an enum in the schema`);
  return (type as GraphQLEnumType).getValues().map((v) => v.value as string);
}

/** The named type of a field of an object or input type. */
function fieldType(typeName: string, field: string): string {
  const type = schema.getType(typeName) as { getFields(): Record<string, { type: Parameters<typeof getNamedType>[0] }> };
  return getNamedType(type.getFields()[field].type)!.name;
}

it.each([
  ["Tier", TIERS],
  ["TierOrSelfPay", TIERS_AND_SELF_PAY],
  ["ClaimKind", CLAIM_KINDS],
  ["Category", CATEGORIES],
  ["Program", PROGRAMS],
  ["Role", ROLES],
  ["SettlementStatus", SETTLEMENT_STATUSES],
  ["SettlementCause", SETTLEMENT_CAUSES],
  ["EntitlementStatus", ENTITLEMENT_STATUSES],
  ["FundKind", FUND_KINDS],
  ["LedgerEntryType", LEDGER_TYPES],
])("the enum %s has exactly the words of its definition", (name, words) => {
  expect(enumValues(name)).toEqual([...words]);
});

it.each([
  ["SettlementLine", "tier", "Tier"],
  ["StatementLine", "tier", "Tier"],
  ["TierTotal", "tier", "Tier"],
  ["TierSummary", "tier", "Tier"],
  ["Adjustment", "tier", "TierOrSelfPay"],
  ["TierChange", "tier", "TierOrSelfPay"],
  ["Claim", "kind", "ClaimKind"],
  ["StatementClaim", "kind", "ClaimKind"],
  ["ClaimInput", "kind", "ClaimKind"],
  ["Claim", "status", "ClaimStatus"],
  ["Settlement", "status", "SettlementStatus"],
  ["Settlement", "cause", "SettlementCause"],
  ["Settlement", "category", "Category"],
  ["Settlement", "categoriesHeld", "Category"],
  ["CategoryPeriod", "category", "Category"],
  ["ProgramApplication", "program", "Program"],
  ["ApplicationInput", "program", "Program"],
  ["CharityEntitlement", "status", "EntitlementStatus"],
  ["CharityFund", "kind", "FundKind"],
  ["CharityFundInput", "kind", "FundKind"],
  ["LedgerEntry", "type", "LedgerEntryType"],
  ["FundIncomeInput", "type", "IncomeType"],
  ["ApiKey", "role", "Role"],
  ["RulePack", "status", "PackStatus"],
  // An unknown category must stay the engine's UNKNOWN_CATEGORY (DESIGN.md), so inputs keep String.
  ["CategoryPeriodInput", "category", "String"],
])("%s.%s is %s", (typeName, field, expected) => {
  expect(fieldType(typeName, field)).toBe(expected);
});

it("createApiKey takes a Role", () => {
  const createApiKey = schema.getMutationType()!.getFields().createApiKey;
  expect(getNamedType(createApiKey.args.find((a) => a.name === "role")!.type).name).toBe("Role");
});

it("a client's document with a misspelt kind does not validate (what codegen checks at build time)", () => {
  const document = (kind: string) => parse(`mutation { submitClaim(input: { id: "C", beneficiaryId: "B", date: "2023-03-01", kind: ${kind}, fees: { total: "1.00" } }) { id } }`);
  expect(validate(schema, document("INPATIENT"))).toEqual([]);
  const errors = validate(schema, document("INPATENT"));
  expect(errors.map((e) => e.message)).toEqual([expect.stringContaining('Value "INPATENT" does not exist in "ClaimKind" enum')]);
});

describe.each(testDatabases().map((db) => [db.name, db] as const))("misspelt words over HTTP on %s", (_name, database) => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway(database);
  });
  afterAll(async () => {
    await t?.stop();
  });

  const SUBMIT = `mutation ($input: ClaimInput!) { submitClaim(input: $input) { id } }`;
  const bill = (kind: string) => ({ id: "V-1", beneficiaryId: "NOBODY", date: "2023-03-01", kind, fees: { total: "100.00" } });

  it("a misspelt kind in variables is BAD_USER_INPUT naming input.kind, before anything runs", async () => {
    const refused = await gql(t.url, t.keys.partner, SUBMIT, { input: bill("INPATENT") });
    expect(refused.status).toBe(400);
    expect(refused.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.kind" });
    // Spelt right, the same request reaches the service (which does not know the beneficiary).
    const reached = await gql(t.url, t.keys.partner, SUBMIT, { input: bill("INPATIENT") });
    expect(reached.errors?.[0].extensions).toMatchObject({ code: "NOT_FOUND", field: "input.beneficiaryId" });
  });

  it("a misspelt kind written in the document is GRAPHQL_VALIDATION_FAILED", async () => {
    const refused = await gql(t.url, t.keys.partner, `mutation { submitClaim(input: { id: "V-2", beneficiaryId: "B", date: "2023-03-01", kind: INPATENT, fees: { total: "1.00" } }) { id } }`);
    expect(refused.status).toBe(400);
    expect(refused.errors?.[0].extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
  });

  it("enum values come back as the same words partners sent before", async () => {
    const packs = await gql<{ rulePacks: Array<{ status: string }> }>(t.url, t.keys.admin, `{ rulePacks { status } }`);
    expect(packs.errors).toBeUndefined();
    expect(packs.data!.rulePacks.map((p) => p.status)).toContain("ACTIVE");
  });
});
