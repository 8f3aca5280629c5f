/**
 * One vocabulary: the closed word lists are GraphQL enums built from their one definition, so that
 * a client generated from the SDL (codegen) cannot send a misspelt kind; a misspelt value sent
 * anyway is refused by GraphQL with a code and a field. Unknown categories stay UNKNOWN_CATEGORY.
 */
import "reflect-metadata";
import * as fs from "node:fs";
import * as path from "node:path";
import { GraphQLEnumType, getNamedType, isEnumType, parse, validate, type GraphQLSchema } from "graphql";
import { buildGatewaySchema } from "../src/gateway/schema";
import type { Services } from "../src/gateway/services";
import { CATEGORIES, CLAIM_KINDS, PROGRAMS, TIERS, TIERS_AND_SELF_PAY } from "../src/engine/vocabulary";
import { ROLES } from "../src/access/access.entity";
import { SETTLEMENT_CAUSES, SETTLEMENT_STATUSES } from "../src/settlement/settlement.entity";
import { ENTITLEMENT_STATUSES, FUND_KINDS, LEDGER_TYPES } from "../src/charity/charity.entity";
import { httpStatusOf } from "../src/lib/errors";
import { testDatabases } from "./support/databases";
import { gql, startTestGateway, type TestGateway } from "./support/gateway";

let schema: GraphQLSchema;
beforeAll(async () => {
  ({ schema } = await buildGatewaySchema({} as Services));
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
    expect(reached.status).toBe(200);
  });

  it("a misspelt kind written in the document is GRAPHQL_VALIDATION_FAILED", async () => {
    const refused = await gql(t.url, t.keys.partner, `mutation { submitClaim(input: { id: "V-2", beneficiaryId: "B", date: "2023-03-01", kind: INPATENT, fees: { total: "1.00" } }) { id } }`);
    expect(refused.status).toBe(400);
    expect(refused.errors?.[0].extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
  });

  it("masks national ids for every key but ADMIN, on every transport of the statement", async () => {
    const nationalId = "370102199001011234";
    const upsert = await gql(t.url, t.keys.partner, `mutation ($input: BeneficiaryInput!) { upsertBeneficiary(input: $input) { nationalId } }`, {
      input: { id: "V-MASK", jurisdiction: "liaocheng", name: "张三", nationalId, identities: [{ category: "DIBAO", from: "2023-01-01" }] },
    });
    expect(upsert.data?.upsertBeneficiary.nationalId).toBe("370*************34");
    const seenBy = async (key: string) => {
      const graphql = await gql(t.url, key, `{ resolutionStatement(beneficiaryId: "V-MASK", year: 2023) { beneficiary { nationalId } } }`);
      const api = (await (await fetch(`${t.url}/api/statements/V-MASK/2023`, { headers: { authorization: `Bearer ${key}` } })).json()) as { beneficiary?: { nationalId: string } };
      const page = await (await fetch(`${t.url}/statements/V-MASK/2023`, { headers: { authorization: `Bearer ${key}` } })).text();
      return [graphql.data?.resolutionStatement.beneficiary.nationalId, api.beneficiary?.nationalId, page.includes(nationalId) ? nationalId : page.includes("370*************34") ? "370*************34" : null];
    };
    expect(await seenBy(t.keys.partner)).toEqual(["370*************34", "370*************34", "370*************34"]);
    expect(await seenBy(t.keys.charity)).toEqual(["370*************34", "370*************34", "370*************34"]);
    expect(await seenBy(t.keys.admin)).toEqual([nationalId, nationalId, nationalId]);
  });

  it("answers a refusal with the status of the one map on the statement, CSV and /api routes", async () => {
    const get = async (path: string, key: string) => (await fetch(`${t.url}${path}`, { headers: { authorization: `Bearer ${key}` } })).status;
    expect(await get("/statements/NOBODY/2023", t.keys.partner)).toBe(httpStatusOf("NOT_FOUND"));
    expect(await get("/api/statements/NOBODY/2023", t.keys.partner)).toBe(httpStatusOf("NOT_FOUND"));
    expect(await get("/reports/premium-subsidy/liaocheng/2023.csv", t.keys.otherPartner)).toBe(httpStatusOf("FORBIDDEN"));
    expect(await get("/statements/V-MASK/2023", "not-a-key")).toBe(httpStatusOf("UNAUTHENTICATED"));
    expect(await get("/reports/premium-subsidy/liaocheng/2023.csv", "not-a-key")).toBe(httpStatusOf("UNAUTHENTICATED"));
  });

  it("enum values come back as the same words partners sent before", async () => {
    const packs = await gql<{ rulePacks: Array<{ status: string }> }>(t.url, t.keys.admin, `{ rulePacks { status } }`);
    expect(packs.errors).toBeUndefined();
    expect(packs.data!.rulePacks.map((p) => p.status)).toContain("ACTIVE");
  });
});

describe("one truth per word", () => {
  it("maps codes to HTTP statuses in one place: 400 unless the code says otherwise", () => {
    expect([httpStatusOf("INVALID_AMOUNT"), httpStatusOf("UNAUTHENTICATED"), httpStatusOf("FORBIDDEN"), httpStatusOf("NOT_FOUND"), httpStatusOf("CONFLICT"), httpStatusOf("WOULD_REVERSE_PAID"), httpStatusOf("RATE_LIMITED"), httpStatusOf("GATEWAY_UNAVAILABLE")]).toEqual([400, 401, 403, 404, 409, 409, 429, 502]);
  });

  it("has no other map of codes to statuses, no other masking and no other tier list in the sources", () => {
    const offending = sourceLines(/\b(?:40[13-9]|409|429)\b.*(?:code|FORBIDDEN|NOT_FOUND|status)|maskNationalId\(|\["basic", "critical"|`\$\{[\w.?]*[dD]ocument[\w.?]*\} \$\{/).filter(
      (hit) => !hit.startsWith("src/lib/errors.ts:") && !hit.startsWith("src/access/principal.ts:") && !hit.startsWith("src/engine/vocabulary.ts:") && !hit.startsWith("src/engine/citation.ts:"),
    );
    expect(offending).toEqual([]);
  });

  it("decides access in the services only: resolvers and routes pass the principal on", () => {
    const decisions = sourceLines(/\.(?:requireRole|requireJurisdiction|canSee|visibleJurisdictions|listedJurisdictions)\b/).filter((hit) => /^src\/(?:gateway\/|[\w-]+\/[\w-]+\.resolver\.ts)/.test(hit));
    expect(decisions).toEqual([]);
  });

  it("reads another domain's tables only through its repository (the known exceptions can only go)", () => {
    const foreignEntities = sourceLines(/^import \{[^}]*\} from "\.\.\/[\w-]+\/[\w-]+\.entity"/).filter((hit) => /^src\/[\w-]+\/[\w-]+\.service\.ts:/.test(hit));
    expect(foreignEntities.map((hit) => hit.replace(/:\d+:.*from "(.*)";$/, " -> $1"))).toEqual([
      // Known, to go: the claim status written by the settlement service (the year planner rewires it), API keys and the audit log read outside the access domain.
      "src/rules/rule-governance.service.ts -> ../access/access.entity",
      "src/settlement/settlement.service.ts -> ../claim/claim.entity",
      "src/webhooks/webhook.service.ts -> ../access/access.entity",
    ]);
  });

  it("has no import cycle between files (type imports included)", () => {
    expect(importCycles("src")).toEqual([]);
  });
});

const ROOT = path.resolve(__dirname, "..");

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    return entry.isDirectory() ? sourceFiles(file) : file.endsWith(".ts") ? [file] : [];
  });
}

/** `file:line` of every line of src/ and the plugin's sources that matches. */
function sourceLines(pattern: RegExp): string[] {
  return ["src", "plugins/nocobase/src"].flatMap((dir) =>
    sourceFiles(path.join(ROOT, dir)).flatMap((file) =>
      fs.readFileSync(file, "utf8").split("\n").flatMap((line, i) => (pattern.test(line) ? [`${path.relative(ROOT, file)}:${i + 1}: ${line.trim()}`] : [])),
    ),
  );
}

/** Each cycle of relative imports under `dir`, as "a.ts -> b.ts -> a.ts". */
function importCycles(dir: string): string[] {
  const root = path.join(ROOT, dir);
  const files = sourceFiles(root);
  const importsOf = new Map(
    files.map((file) => {
      const text = fs.readFileSync(file, "utf8");
      const targets = [...text.matchAll(/^(?:import|export)\s[^;]*?from\s+"(\.[^"]+)"/gms)].map((m) => path.resolve(path.dirname(file), m[1]) + ".ts").filter((target) => fs.existsSync(target));
      return [file, targets];
    }),
  );
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const cycles: string[] = [];
  const visit = (file: string) => {
    state.set(file, "open");
    stack.push(file);
    for (const target of importsOf.get(file) ?? []) {
      if (state.get(target) === "open") cycles.push([...stack.slice(stack.indexOf(target)), target].map((f) => path.relative(root, f)).join(" -> "));
      else if (!state.has(target)) visit(target);
    }
    stack.pop();
    state.set(file, "done");
  };
  for (const file of files) if (!state.has(file)) visit(file);
  return cycles;
}
