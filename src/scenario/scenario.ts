/**
 * Scenario files: policy tests as data, written by an analyst without code (DESIGN.md, "Scenario
 * files"). This module reads them and runs them against the engine.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { DomainError, isDomainError } from "../lib/errors";
import { formatAmount, type Money } from "../lib/money";
import { AnnualAccounts } from "../engine/annual-accounts";
import { readBeneficiary, readClaim, amountField } from "../engine/input";
import type { CompiledPack } from "../engine/compiled-pack";
import type { PackRegistry } from "../engine/pack-registry";
import type { Settlement } from "../engine/types";
import { TIERS } from "../engine/vocabulary";
import { raisedAlerts } from "../engine/early-warning";

export interface ScenarioClaim {
  id: string;
  /** Early-warning rules this claim's settlement must raise (and no others); unchecked when absent. */
  expectAlerts?: string[];
  reported?: Record<string, string>;
  expect?: Record<string, string>;
  expectError?: string;
  /** True when a line must be provisional (a category held lacks figures and might pay more); no line may be otherwise. */
  provisional?: boolean;
  /** The tiers a partial settlement leaves pending (staged settlement); none when absent. */
  pending?: string[];
  [key: string]: unknown;
}

/** A premium-subsidy check (资助参保) of a scenario: the subsidy of the beneficiary for a year. */
export interface PremiumCheck {
  year: number;
  /** The expected category, rule and amount; `amount: null` with `missing` when a figure has no value. */
  expect: { category: string | null; rule: string | null; amount: string | null; missing?: string[] };
}

export interface Scenario {
  name: string;
  pack: string;
  cites?: string;
  /** The arithmetic worked by hand from the text, for a reader; not checked. */
  comment?: string;
  parameters?: Record<string, unknown>;
  beneficiary: unknown;
  claims: ScenarioClaim[];
  premiumSubsidy?: PremiumCheck[];
}

/** The outcome of one claim of a scenario. */
export interface ClaimCheck {
  file: string;
  scenario: string;
  claimId: string;
  passed: boolean;
  /** One line for a person: what was checked, and for a failure what differed. */
  summary: string;
  settlement?: Settlement;
  error?: DomainError;
}

/** Reads the scenario files named, descending into directories (sorted, *.json only). */
export function scenarioFiles(targets: string[]): string[] {
  const files: string[] = [];
  for (const target of targets) {
    const stat = fs.statSync(target);
    if (stat.isDirectory()) {
      const entries = fs.readdirSync(target).sort();
      files.push(...scenarioFiles(entries.filter((e) => e.endsWith(".json") || fs.statSync(path.join(target, e)).isDirectory()).map((e) => path.join(target, e))));
    } else {
      files.push(target);
    }
  }
  return files;
}

export function readScenario(file: string): Scenario {
  const scenario = JSON.parse(fs.readFileSync(file, "utf8")) as Scenario;
  if (!scenario || typeof scenario.pack !== "string" || !Array.isArray(scenario.claims)) {
    throw new Error(`${file}: not a scenario (needs "pack" and "claims")`);
  }
  return scenario;
}

/**
 * Runs one scenario: its claims in order against one fresh year-to-date state. A claim expected to
 * be refused must be refused with that code and leave nothing stored.
 */
export function runScenario(scenario: Scenario, registry: PackRegistry, file = "(scenario)"): ClaimCheck[] {
  return [...runClaims(scenario, registry, file), ...(scenario.premiumSubsidy ?? []).map((check) => runPremiumCheck(scenario, check, registry, file))];
}

/** Checks a premium subsidy expectation against the pack in force in that year. */
function runPremiumCheck(scenario: Scenario, check: PremiumCheck, registry: PackRegistry, file: string): ClaimCheck {
  const claimId = `premium-${check.year}`;
  const verdict = (passed: boolean, summary: string): ClaimCheck => ({ file, scenario: scenario.name, claimId, passed, summary: `${passed ? "PASS" : "FAIL"} ${path.basename(file)} ${claimId}: ${summary}` });
  try {
    const beneficiary = readBeneficiary(scenario.beneficiary);
    const base = registry.packForYear(scenario.pack, check.year);
    const pack = base.withParameters(scenario.parameters ?? {});
    if (!pack.premium) return verdict(false, `pack ${pack.id} has no premium-subsidy rules`);
    const result = pack.premium.compute(beneficiary, check.year, pack.precedence, pack.parameters, pack.transitions);
    const actual = { category: result.category, rule: result.ruleId, amount: result.amount ? formatAmount(result.amount) : null, missing: result.missing };
    const expected = { ...check.expect, missing: check.expect.missing ?? [] };
    const same = actual.category === expected.category && actual.rule === expected.rule && actual.amount === expected.amount && JSON.stringify([...actual.missing].sort()) === JSON.stringify([...expected.missing].sort());
    const text = `category ${actual.category ?? "none"}, rule ${actual.rule ?? "none"}, amount ${actual.amount ?? `unknown (missing ${actual.missing.join(", ")})`}`;
    return same ? verdict(true, text) : verdict(false, `expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  } catch (error) {
    if (!isDomainError(error)) throw error;
    return verdict(false, `refused ${error.code} at ${error.field}: ${error.message}`);
  }
}

/** Makes a claim's check line. */
type CheckMaker = (passed: boolean, summary: string, extra?: Partial<ClaimCheck>) => ClaimCheck;

/** A claim once the file's claims are all submitted: judged already (a refusal), or settled and judged at the end. */
type ClaimOutcome = { judged: ClaimCheck } | { judged: null; rawClaim: ScenarioClaim; index: number; check: CheckMaker; settledId: string; raised: string[]; partial?: Settlement };

/**
 * Settles a scenario's claims in the order listed against one fresh state, then judges each claim by
 * its settlement as it stands once every claim of the file is settled (DESIGN.md: a bill dated before
 * bills listed above it settles the year again in date order).
 */
function runClaims(scenario: Scenario, registry: PackRegistry, file: string): ClaimCheck[] {
  const accounts = new AnnualAccounts();
  const withOverrides = new Map<CompiledPack, CompiledPack>();
  const name = path.basename(file);
  const outcomes: ClaimOutcome[] = [];
  for (const [index, rawClaim] of scenario.claims.entries()) outcomes.push(settleListed(rawClaim, index));
  function settleListed(rawClaim: ScenarioClaim, index: number): ClaimOutcome {
    const claimId = typeof rawClaim.id === "string" ? rawClaim.id : `claims[${index}]`;
    const check: CheckMaker = (passed, summary, extra = {}) => ({ file, scenario: scenario.name, claimId, passed, summary: `${passed ? "PASS" : "FAIL"} ${name} ${claimId}: ${summary}`, ...extra });
    const stateBefore = accounts.snapshot();
    try {
      const beneficiary = readBeneficiary(scenario.beneficiary);
      const claim = readClaim(rawClaim, beneficiary.id, `claims[${index}]`);
      const basePack = registry.packFor(scenario.pack, claim.date);
      let pack = withOverrides.get(basePack);
      if (!pack) {
        pack = basePack.withParameters(scenario.parameters ?? {});
        withOverrides.set(basePack, pack);
      }
      const earlier = accounts.settlementsOfYear(beneficiary.id, Number(claim.date.slice(0, 4)));
      freezePartial(outcomes, claim.id, accounts.settlementOf(claim.id));
      const settlement = accounts.settle(pack, beneficiary, claim);
      const raised = raisedAlerts(pack.warnings, pack.parameters, earlier.filter((s) => s.claimId !== settlement.claimId), settlement).raised.map((a) => a.ruleId);
      return { judged: null, rawClaim, index, check, settledId: claim.id, raised };
    } catch (error) {
      if (!isDomainError(error)) throw error;
      if (accounts.snapshot() !== stateBefore) return { judged: check(false, `refused with ${error.code} but something was stored`, { error }) };
      if (rawClaim.expectError === error.code) return { judged: check(true, `refused with ${error.code} as expected (${error.field})`, { error }) };
      const expected = rawClaim.expectError ? `expected error ${rawClaim.expectError}` : "expected a settlement";
      return { judged: check(false, `${expected}, got error ${error.code} at ${error.field}: ${error.message}`, { error }) };
    }
  }
  return outcomes.map((outcome) => {
    if (outcome.judged) return outcome.judged;
    const { rawClaim, index, check, settledId, raised } = outcome;
    const settlement = outcome.partial ?? accounts.settlementOf(settledId)!;
    if (rawClaim.expectError) {
      return check(false, `expected error ${rawClaim.expectError}, but it was settled (selfPay ${formatAmount(settlement.selfPay)})`, { settlement });
    }
    const verdict = judge(rawClaim, settlement, index);
    if (rawClaim.expectAlerts) {
      const expected = [...rawClaim.expectAlerts].sort().join(", ") || "none";
      const actual = [...raised].sort().join(", ") || "none";
      if (expected !== actual) return check(false, `alerts expected ${expected}, raised ${actual}; ${verdict.summary}`, { settlement });
      return check(verdict.passed, `${verdict.summary}; alerts ${actual}`, { settlement });
    }
    return check(verdict.passed, verdict.summary, { settlement });
  });
}

/**
 * A claim listed again may be the insurer's report completing a partial settlement: the earlier
 * entry is then judged by the partial settlement, as it stood before the report.
 */
function freezePartial(outcomes: ClaimOutcome[], claimId: string, settled: Settlement | undefined): void {
  if (!settled?.pending?.length) return;
  for (const outcome of outcomes) if (!outcome.judged && outcome.settledId === claimId) outcome.partial ??= settled;
}

/** What a settlement must show to be compared with a scenario's expectations. */
export interface SettledAmounts {
  lines: ReadonlyArray<{ tier: string; amount: Money; provisional?: boolean }>;
  selfPay: Money;
  pending?: readonly string[];
}

/** The differences between a claim's expectations and its settlement, one text per tier. */
export function compare(rawClaim: ScenarioClaim, settlement: SettledAmounts, index: number): string[] {
  const expect = rawClaim.expect ?? {};
  const reported = rawClaim.reported ?? {};
  const differences: string[] = [];
  for (const key of Object.keys(expect)) {
    if (key !== "selfPay" && !(TIERS as readonly string[]).includes(key)) differences.push(`unknown expectation "${key}"`);
  }
  for (const tier of TIERS) {
    const expectedText = expect[tier] ?? reported[tier] ?? "0.00";
    const expected = amountField(expectedText, `claims[${index}].expect.${tier}`);
    const actual = settlement.lines.find((line) => line.tier === tier)?.amount;
    if (!actual || !actual.equals(expected)) differences.push(`${tier} expected ${formatAmount(expected)} got ${actual ? formatAmount(actual) : "nothing"}`);
  }
  const provisional = settlement.lines.filter((line) => line.provisional).map((line) => line.tier);
  if ((rawClaim.provisional === true) !== provisional.length > 0) differences.push(`provisional expected ${rawClaim.provisional === true}, lines provisional: ${provisional.join(", ") || "none"}`);
  const pending = (settlement.pending ?? []).join(", ") || "none";
  const expectedPending = (rawClaim.pending ?? []).join(", ") || "none";
  if (pending !== expectedPending) differences.push(`pending expected ${expectedPending}, got ${pending}`);
  if (expect.selfPay === undefined) differences.push("selfPay: no expectation given");
  else {
    const expected = amountField(expect.selfPay, `claims[${index}].expect.selfPay`);
    if (!settlement.selfPay.equals(expected)) differences.push(`selfPay expected ${formatAmount(expected)} got ${formatAmount(settlement.selfPay)}`);
  }
  return differences;
}

/** Compares a settlement with the expectations and says so in one line. */
export function judge(rawClaim: ScenarioClaim, settlement: SettledAmounts, index: number): { passed: boolean; summary: string } {
  const differences = compare(rawClaim, settlement, index);
  const paid = settlement.lines.filter((line) => !line.amount.isZero()).map((line) => `${line.tier} ${formatAmount(line.amount)}`);
  const actualText = [...paid, `selfPay ${formatAmount(settlement.selfPay)}`].join(", ");
  if (differences.length === 0) return { passed: true, summary: actualText };
  return { passed: false, summary: `${differences.join("; ")} (actual: ${actualText})` };
}

/** The scenarios of files and directories; a file that cannot be read comes as a failed check. */
export function loadScenarios(targets: string[]): Array<{ file: string; scenario: Scenario } | { file: string; failure: ClaimCheck }> {
  return scenarioFiles(targets).map((file) => {
    try {
      return { file, scenario: readScenario(file) };
    } catch (error) {
      return { file, failure: { file, scenario: "?", claimId: "-", passed: false, summary: `FAIL ${path.basename(file)}: ${(error as Error).message}` } };
    }
  });
}

/** Runs files and directories of scenarios against the engine. */
export function runScenarioFiles(targets: string[], registry: PackRegistry): ClaimCheck[] {
  return loadScenarios(targets).flatMap((loaded) => ("failure" in loaded ? [loaded.failure] : runScenario(loaded.scenario, registry, loaded.file)));
}
