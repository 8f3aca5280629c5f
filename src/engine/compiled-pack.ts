/**
 * Building a rule pack: schema check, checks the schema cannot express (references resolve, the
 * precedence lists the pack's categories, rules are unambiguous), decision tables, and formulas
 * prepared with their parameter values. A pack that fails any check is refused with every problem
 * listed; a built pack is immutable and shared by all settlements under its version.
 */
import { DomainError } from "../lib/errors";
import { contentHash } from "../lib/canonical-json";
import { isValidDate } from "../lib/dates";
import type { Lookback, RuleDocument, RulePackDocument, ValueRef } from "./pack-document";
import { schemaProblems } from "./pack-schema";
import { clauseText } from "./citation";
import {
  changeDates,
  overrideParameters,
  referencedParameters,
  resolveParameters,
  type ResolvedParameter,
} from "./parameters";
import { prepareFormula, type Preparation } from "./formulas";
import { floorProblems } from "./parameter-floors";
import { FactSpace } from "./facts";
import { buildDecisionTable, DecisionTable } from "./rule-selection";
import { FundOrderRules } from "./fund-order";
import { PremiumSubsidyTable } from "./premium-subsidy";
import { EarlyWarningTable } from "./early-warning";
import { TIERS, type Category, type Program, type Tier } from "./vocabulary";
import { walkConditions } from "./conditions";
import { Transitions, transitionsRequired } from "./transitions";

/** The formulas of every rule, prepared with the parameter values in force from `from`. */
interface FormulaInterval {
  from: string;
  formulas: Map<string, Preparation>;
}

export class CompiledPack {
  readonly id: string;
  readonly version: number;
  readonly hash: string;
  readonly document: RulePackDocument;
  readonly categories: ReadonlySet<Category>;
  readonly precedence: readonly Category[];
  readonly programs: readonly Program[];
  /** Categories whose earlier costs count for some tiers, and the tiers concerned. */
  readonly lookbacks: ReadonlyMap<Category, Lookback>;
  readonly lookbackTiers: ReadonlySet<Tier>;
  readonly space: FactSpace;
  readonly tables: Readonly<Partial<Record<Tier, DecisionTable>>>;
  readonly parameters: ReadonlyMap<string, ResolvedParameter>;
  /** The order of charity funds, where the pack has a charity tier; null otherwise. */
  readonly fundOrder: FundOrderRules | null;
  /** 资助参保 rules, where the pack has them. */
  readonly premium: PremiumSubsidyTable | null;
  /** 预警监测 rules, where the pack has them. */
  readonly warnings: EarlyWarningTable | null;
  /** Transitional periods (过渡期), with this version's parameter values for their end dates. */
  readonly transitions: Transitions;
  /** The transitions each rule requires to be in progress, by rule name (only rules that require some). */
  readonly ruleTransitions: ReadonlyMap<string, readonly string[]>;
  private readonly intervals: FormulaInterval[];
  private readonly rules: RuleDocument[];

  constructor(
    document: RulePackDocument,
    hash: string,
    space: FactSpace,
    tables: Partial<Record<Tier, DecisionTable>>,
    parameters: Map<string, ResolvedParameter>,
    premium: PremiumSubsidyTable | null = null,
    warnings: EarlyWarningTable | null = null,
  ) {
    this.document = document;
    this.premium = premium;
    this.warnings = warnings;
    this.id = document.id;
    this.version = document.version;
    this.hash = hash;
    this.categories = new Set(document.categories.map((c) => c.id));
    this.precedence = document.precedence.order;
    this.programs = (document.programs ?? []).map((p) => p.id);
    this.lookbacks = new Map(document.categories.filter((c) => c.lookback).map((c) => [c.id, c.lookback!]));
    this.lookbackTiers = new Set([...this.lookbacks.values()].flatMap((l) => l.tiers));
    this.space = space;
    this.tables = tables;
    this.parameters = parameters;
    this.rules = TIERS.flatMap((tier) => document.tiers[tier]?.rules ?? []);
    this.fundOrder = document.charityFunding ? new FundOrderRules(document.charityFunding.rules) : null;
    this.transitions = new Transitions(document.transitions ?? [], parameters, this.categories);
    this.ruleTransitions = new Map(this.rules.map((rule) => [rule.name, transitionsRequired(rule.conditions)] as const).filter(([, ids]) => ids.length > 0));
    this.intervals = changeDates(parameters).map((from) => ({
      from,
      formulas: new Map(this.rules.map((rule) => [rule.name, prepareFormula(rule, parameters, from)])),
    }));
  }

  /** True when a claim of this date is settled under this pack (retroactive start included). */
  covers(date: string): boolean {
    const { appliesFrom, to } = this.document.inForce;
    return date >= appliesFrom && (to === null || date <= to);
  }

  /** The prepared formula of a rule for a claim date. */
  formula(ruleName: string, date: string): Preparation {
    let interval = this.intervals[0];
    for (let i = 1; i < this.intervals.length && this.intervals[i].from <= date; i++) interval = this.intervals[i];
    const preparation = interval.formulas.get(ruleName);
    if (!preparation) throw new Error(`rule ${ruleName} is not in pack ${this.id}`);
    return preparation;
  }

  /** Where a parameter's figure comes from, for error messages and explanations. */
  parameterSource(id: string): string {
    const parameter = this.document.parameters[id];
    if (!parameter) return id;
    return clauseText(parameter.source.document ?? this.document.source.document, parameter.source.clause) ?? id;
  }

  /**
   * The same pack with some parameters replaced (a scenario's `parameters`, a what-if). The decision
   * tables do not depend on parameters and are shared.
   */
  withParameters(overrides: Record<string, unknown>): CompiledPack {
    if (Object.keys(overrides).length === 0) return this;
    const parameters = overrideParameters(new Map(this.parameters), overrides);
    const belowFloor = floorProblems(this.document, parameters);
    if (belowFloor.length > 0) throw invalid("parameters", belowFloor);
    return new CompiledPack(this.document, this.hash, this.space, { ...this.tables }, parameters, this.premium, this.warnings);
  }
}

/**
 * Builds a pack from its JSON document. Throws INVALID_PACK with one line per problem.
 */
export async function compilePack(document: unknown, origin = "pack"): Promise<CompiledPack> {
  const problems = schemaProblems(document);
  if (problems.length > 0) throw invalid(origin, problems);
  const pack = document as RulePackDocument;

  problems.push(...semanticProblems(pack));
  const parameters = resolveParameters(pack, problems);
  problems.push(...floorProblems(pack, parameters));
  if (problems.length > 0) throw invalid(origin, problems);

  const space = new FactSpace(
    pack.categories.map((c) => c.id),
    (pack.programs ?? []).map((p) => p.id),
    (pack.transitions ?? []).map((t) => t.id),
  );
  const tables: Partial<Record<Tier, DecisionTable>> = {};
  for (const tier of TIERS) {
    const tierDocument = pack.tiers[tier];
    if (tierDocument) tables[tier] = await buildDecisionTable(tier, tierDocument.rules, space, problems);
  }
  const premium = await PremiumSubsidyTable.build(pack, problems);
  const warnings = await EarlyWarningTable.build(pack, problems);
  if (problems.length > 0) throw invalid(origin, problems);
  return new CompiledPack(pack, contentHash(pack), space, tables, parameters, premium, warnings);
}

function invalid(origin: string, problems: string[]): DomainError {
  return new DomainError(
    "INVALID_PACK",
    origin,
    `规则包无效 / the rule pack ${origin} is invalid: ${problems.length} problem(s): ${problems.slice(0, 5).join("; ")}`,
    problems,
  );
}

/** What the schema cannot check: dates, references, units, the precedence list, stray words. */
function semanticProblems(pack: RulePackDocument): string[] {
  const problems: string[] = [];
  const { from, to, appliesFrom } = pack.inForce;
  for (const [field, value] of [["inForce.from", from], ["inForce.to", to], ["inForce.appliesFrom", appliesFrom]] as const) {
    if (value !== null && !isValidDate(value)) problems.push(`${field}: "${value}" is not a calendar date`);
  }
  if (appliesFrom > from) problems.push("inForce.appliesFrom: must not be later than inForce.from");
  if (to !== null && to < from) problems.push("inForce.to: must not be earlier than inForce.from");

  const categoryIds = pack.categories.map((c) => c.id);
  if (new Set(categoryIds).size !== categoryIds.length) problems.push("categories: a category is listed twice");
  const order = pack.precedence.order;
  for (const category of categoryIds) {
    if (!order.includes(category)) problems.push(`precedence.order: category ${category} is missing`);
  }
  for (const category of order) {
    if (!categoryIds.includes(category)) problems.push(`precedence.order: ${category} is not a category of the pack`);
  }
  const programIds = (pack.programs ?? []).map((p) => p.id);
  const transitionIds = (pack.transitions ?? []).map((t) => t.id);
  problems.push(...transitionProblems(pack));
  const checkTransitions = (at: string) => (fact: string, value: unknown) => {
    if (fact !== "transitions") return;
    for (const v of Array.isArray(value) ? value : [value]) if (!transitionIds.includes(v)) problems.push(`${at}.conditions: transition ${v} is not a transition of the pack`);
  };

  const names = new Set<string>();
  for (const tier of TIERS) {
    const rules = pack.tiers[tier]?.rules ?? [];
    rules.forEach((rule, index) => {
      const at = `tiers.${tier}.rules[${index}]`;
      if (names.has(rule.name)) problems.push(`${at}.name: rule name "${rule.name}" is used twice`);
      names.add(rule.name);
      problems.push(...referenceProblems(pack, rule, at));
      walkConditions(rule.conditions, (fact, value) => {
        const values = Array.isArray(value) ? value : [value];
        if (fact === "category") {
          for (const v of values) if (v !== "NONE" && !categoryIds.includes(v)) problems.push(`${at}.conditions: category ${v} is not a category of the pack`);
        }
        if (fact === "applications") {
          for (const v of values) if (!programIds.includes(v)) problems.push(`${at}.conditions: programme ${v} is not a programme of the pack`);
        }
        checkTransitions(at)(fact, value);
      });
    });
  }
  for (const [index, rule] of (pack.charityFunding?.rules ?? []).entries()) {
    const at = `charityFunding.rules[${index}]`;
    if (names.has(rule.name)) problems.push(`${at}.name: rule name "${rule.name}" is used twice`);
    names.add(rule.name);
    walkConditions(rule.conditions, (fact, value) => {
      if (fact === "transitions") problems.push(`${at}.conditions: the order of funds does not depend on transitional periods`);
      if (fact !== "category") return;
      for (const v of Array.isArray(value) ? value : [value]) if (v !== "NONE" && !categoryIds.includes(v)) problems.push(`${at}.conditions: category ${v} is not a category of the pack`);
    });
  }
  const sectionRules = (name: "premiumSubsidy" | "earlyWarning") => (((pack as unknown as Record<string, { rules: RuleDocument[] } | undefined>)[name]?.rules ?? []) as RuleDocument[]).map((rule, index) => ({ rule, at: `${name}.rules[${index}]` }));
  [...sectionRules("premiumSubsidy"), ...sectionRules("earlyWarning")].forEach(({ rule, at }) => {
    if (names.has(rule.name)) problems.push(`${at}.name: rule name "${rule.name}" is used twice`);
    names.add(rule.name);
    problems.push(...referenceProblems(pack, rule, at));
    walkConditions(rule.conditions, (fact, value) => {
      // Premium rules are chosen per transitions in progress; warnings are not (yet).
      if (fact === "transitions" && at.startsWith("earlyWarning")) problems.push(`${at}.conditions: early-warning rules do not test transitional periods`);
      else checkTransitions(at)(fact, value);
      if (fact !== "category") return;
      for (const v of Array.isArray(value) ? value : [value]) if (v !== "NONE" && !categoryIds.includes(v)) problems.push(`${at}.conditions: category ${v} is not a category of the pack`);
    });
  });
  if (pack.charityFunding && !pack.tiers.charity) problems.push("charityFunding: the pack has no charity tier to fund");
  for (const [id, parameter] of Object.entries(pack.parameters)) {
    if (parameter.values) for (const entry of parameter.values) if (!isValidDate(entry.from)) problems.push(`parameters.${id}.values: "${entry.from}" is not a calendar date`);
  }
  return problems;
}

/** A transition's ids, dates and end parameter: unique, calendar dates, a declared `date` parameter. */
function transitionProblems(pack: RulePackDocument): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  (pack.transitions ?? []).forEach((transition, index) => {
    const at = `transitions[${index}]`;
    if (seen.has(transition.id)) problems.push(`${at}.id: transition "${transition.id}" is listed twice`);
    seen.add(transition.id);
    for (const [field, value] of [["from", transition.from], ["to", transition.to], ["certifiedBefore", transition.certifiedBefore]] as const) {
      if (typeof value === "string" && !isValidDate(value)) problems.push(`${at}.${field}: "${value}" is not a calendar date`);
    }
    if (typeof transition.to === "object") {
      const parameter = pack.parameters[transition.to.param];
      if (!parameter) problems.push(`${at}.to: parameter "${transition.to.param}" is not declared`);
      else if (parameter.unit !== "date") problems.push(`${at}.to: parameter "${transition.to.param}" has unit ${parameter.unit}, expected date`);
    }
    if (transition.from !== null && typeof transition.to === "string" && transition.to < transition.from) problems.push(`${at}.to: must not be earlier than from`);
  });
  return problems;
}

/** Checks that every reference of a rule names a parameter of the right unit. */
function referenceProblems(pack: RulePackDocument, rule: RuleDocument, at: string): string[] {
  const problems: string[] = [];
  const params = rule.event.params as Record<string, unknown>;
  const expect = (key: string, units: string[]) => {
    const ref = params[key];
    if (ref === undefined || ref === "none") return;
    for (const id of referencedParameters(ref as ValueRef)) {
      const parameter = pack.parameters[id];
      if (!parameter) problems.push(`${at}.event.params.${key}: parameter "${id}" is not declared`);
      else if ("param" in (ref as object) && !units.includes(parameter.unit)) {
        problems.push(`${at}.event.params.${key}: parameter "${id}" has unit ${parameter.unit}, expected ${units.join(" or ")}`);
      } else if (parameter.unit === "schedule" && key !== "schedule") {
        problems.push(`${at}.event.params.${key}: parameter "${id}" is a schedule`);
      }
    }
  };
  expect("deductible", ["CNY"]);
  expect("cap", ["CNY"]);
  expect("threshold", ["CNY"]);
  expect("ratio", ["ratio"]);
  expect("deductibleFactor", ["ratio"]);
  expect("ratioIncrease", ["ratio"]);
  expect("schedule", ["schedule"]);
  expect("share", ["ratio", "share"]);
  expect("standard", ["CNY"]);
  expect("amount", ["CNY"]);
  return problems;
}
