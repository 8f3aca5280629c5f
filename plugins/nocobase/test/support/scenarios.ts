/**
 * The shared scenarios (DESIGN.md's worked cases, `test/scenarios/design/` of the repository) as
 * NocoBase cases: each scenario claim becomes a case, filled in as a case worker would, and its
 * expectations become expectations on the fields settlement writes back.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { TIERS } from "../../../../src/engine/vocabulary";
import { amountText } from "../../src/server/amounts";
import { PAID_FIELD, REPORTED_FIELD } from "../../src/server/collections";
import { REPOSITORY_DIR, type TestNocoBase } from "./nocobase";

export interface ScenarioClaim {
  id: string;
  date: string;
  kind: string;
  referred?: boolean;
  inProvince?: boolean;
  guidanceFollowed?: boolean;
  insuredType?: string;
  fees: Record<string, string>;
  reported?: Record<string, string>;
  expect?: Record<string, string>;
  expectError?: string;
}

export interface Scenario {
  file: string;
  name: string;
  pack: string;
  parameters?: Record<string, unknown>;
  beneficiary: {
    id: string;
    identities: Array<{ category: string; from: string; to: string | null }>;
    applications?: Array<{ program: string; date: string; status?: string; decidedOn?: string }>;
    phaseOuts?: Array<{ category: string; from: string; to: string | null }>;
  };
  claims: ScenarioClaim[];
}

export const SHARED_SCENARIOS_DIR = path.join(REPOSITORY_DIR, "test", "scenarios", "design");

/** The shared scenarios that a case can express: those that do not override pack parameters. */
export function sharedScenarios(): Scenario[] {
  return fs
    .readdirSync(SHARED_SCENARIOS_DIR)
    .filter((name) => name.endsWith(".json"))
    .sort()
    .map((name) => ({ file: name, ...JSON.parse(fs.readFileSync(path.join(SHARED_SCENARIOS_DIR, name), "utf8")) }) as Scenario)
    .filter((scenario) => !scenario.parameters);
}

/** One shared scenario by file name. */
export function sharedScenario(file: string): Scenario {
  const scenario = sharedScenarios().find((s) => s.file === file);
  if (!scenario) throw new Error(`no shared scenario ${file}`);
  return scenario;
}

/** A case for a scenario claim, with the beneficiary id given (so that runs do not share accounts). */
export function caseValues(scenario: Scenario, claim: ScenarioClaim, beneficiaryId: string): Record<string, unknown> {
  const values: Record<string, unknown> = {
    beneficiaryId,
    beneficiaryName: `测试受助人 ${beneficiaryId}`,
    jurisdiction: scenario.pack,
    identities: scenario.beneficiary.identities,
    ...applicationValues(scenario),
    phaseOuts: scenario.beneficiary.phaseOuts ?? null,
    insuredType: claim.insuredType ?? null,
    claimDate: claim.date,
    claimKind: claim.kind,
    referred: claim.referred ?? true,
    inProvince: claim.inProvince ?? true,
    guidanceFollowed: claim.guidanceFollowed ?? true,
    feeTotal: claim.fees.total,
    feeOutOfCatalog: claim.fees.outOfCatalog ?? null,
    feeClassBSelfPay: claim.fees.classBSelfPay ?? null,
    feeOverStandard: claim.fees.overStandard ?? null,
  };
  for (const [tier, amount] of Object.entries(claim.reported ?? {})) values[REPORTED_FIELD[tier as keyof typeof REPORTED_FIELD]] = amount;
  return values;
}

/**
 * A case worker types one 倾斜 application as its date (taken as approved); applications with
 * decisions, or several, go in the advanced list.
 */
function applicationValues(scenario: Scenario): Record<string, unknown> {
  const applications = scenario.beneficiary.applications ?? [];
  const oneUndecidedTilt = applications.length === 1 && applications[0].program === "TILT_ASSISTANCE" && applications[0].status === undefined;
  if (applications.length === 0 || oneUndecidedTilt) return { tiltAppliedOn: applications[0]?.date ?? null, applications: null };
  return { tiltAppliedOn: null, applications };
}

/** The written-back fields a claim's `expect` stands for: every tier (0.00 unless expected or reported) and self-pay. */
export function expectedWriteBack(claim: ScenarioClaim): Record<string, string> {
  const expected: Record<string, string> = {};
  for (const tier of TIERS) expected[PAID_FIELD[tier]] = claim.expect?.[tier] ?? claim.reported?.[tier] ?? "0.00";
  expected.selfPay = claim.expect!.selfPay;
  return expected;
}

/**
 * The same fields read from a case record, as text with two decimals (NocoBase returns DECIMAL
 * columns as numbers on SQLite); null where nothing was written.
 */
export function writtenBack(record: Record<string, unknown>): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  const text = (field: string) => (record[field] === null || record[field] === undefined ? null : amountText(record[field], field));
  for (const tier of TIERS) fields[PAID_FIELD[tier]] = text(PAID_FIELD[tier]);
  fields.selfPay = text("selfPay");
  return fields;
}

/** Every scenario file of the repository's pack folders (`test/scenarios/<pack>/`) that a case can express. */
export function packScenarios(): Scenario[] {
  const root = path.join(REPOSITORY_DIR, "test", "scenarios");
  return fs
    .readdirSync(root)
    .filter((pack) => pack !== "design" && fs.statSync(path.join(root, pack)).isDirectory())
    .sort()
    .flatMap((pack) =>
      fs
        .readdirSync(path.join(root, pack))
        .filter((name) => name.endsWith(".json"))
        .sort()
        .map((name) => ({ file: `${pack}/${name}`, ...JSON.parse(fs.readFileSync(path.join(root, pack, name), "utf8")) }) as Scenario),
    )
    .filter(expressibleAsCases);
}

/**
 * A case form cannot hold a scenario's parameter overrides (they are test values of a pack, not a
 * case's), nor a staged settlement's later report (the plugin has no report action yet). Its amounts
 * are decimal fields: an amount sent as a JSON number (a partner's malformed input) is what
 * NocoBase's own number input sends, and the plugin takes it as decimal text.
 */
function expressibleAsCases(scenario: Scenario): boolean {
  // A staged settlement completed by the insurer's later report (a claim listed again).
  if (new Set(scenario.claims.map((claim) => claim.id)).size !== scenario.claims.length || scenario.claims.some((claim) => (claim as { pending?: unknown }).pending !== undefined)) return false;
  const amountsAreText = scenario.claims.every((claim) => [...Object.values(claim.fees ?? {}), ...Object.values(claim.reported ?? {})].every((amount) => typeof amount === "string"));
  return !scenario.parameters && amountsAreText;
}

/**
 * Files scenarios in as cases, one case per claim, through NocoBase's REST API, settles each with
 * `settlement:settle` in the order listed, and checks the refusals at once and what was written back
 * once every claim of the scenario is settled (a later, earlier-dated bill settles the year again).
 * Returns how many claims were checked. Beneficiary ids get `prefix` so that each run has its own
 * accounts.
 */
export async function settleSharedScenarios(nocobase: TestNocoBase, token: string, prefix: string, scenarios: Scenario[] = sharedScenarios()): Promise<number> {
  assert.ok(scenarios.length >= 10, `expected scenarios, found ${scenarios.length}`);
  const getCase = async (id: number) => (await nocobase.api("GET", "medassistCases:get", { token, query: { filterByTk: id } })).body.data as Record<string, unknown>;
  let checked = 0;
  for (const [index, scenario] of scenarios.entries()) {
    const beneficiaryId = `${prefix}-${index}-${scenario.beneficiary.id}`;
    const settledCases: Array<{ claim: ScenarioClaim; caseId: number; where: string }> = [];
    for (const claim of scenario.claims) {
      const where = `${scenario.file} ${claim.id}`;
      const created = await nocobase.api("POST", "medassistCases:create", { token, body: caseValues(scenario, claim, beneficiaryId) });
      checked++;
      if (claim.expectError && created.status !== 200) {
        // Refused at the form: the amount check runs before NocoBase saves anything.
        assert.equal(created.body.errors?.[0]?.code, claim.expectError, where);
        continue;
      }
      assert.equal(created.status, 200, `${where}: ${JSON.stringify(created.body)}`);
      const settled = await nocobase.api("POST", "settlement:settle", { token, query: { filterByTk: created.body.data.id } });
      if (claim.expectError) {
        assert.equal(settled.status, 400, `${where}: ${JSON.stringify(settled.body)}`);
        assert.equal(settled.body.errors?.[0]?.code, claim.expectError, where);
        assert.equal((await getCase(created.body.data.id)).settlementStatus, null, `${where}: a refused case keeps no settlement`);
        continue;
      }
      assert.equal(settled.status, 200, `${where}: ${JSON.stringify(settled.body)}`);
      settledCases.push({ claim, caseId: created.body.data.id, where });
    }
    for (const { claim, caseId, where } of settledCases) {
      const record = await getCase(caseId);
      assert.deepEqual(writtenBack(record), expectedWriteBack(claim), where);
      assert.equal(record.settlementStatus, "SETTLED", where);
      assert.match(String(record.settlementExplanation), /个人自付：/, where);
    }
  }
  assert.equal(checked, scenarios.reduce((count, scenario) => count + scenario.claims.length, 0), "every claim of every scenario");
  return checked;
}
