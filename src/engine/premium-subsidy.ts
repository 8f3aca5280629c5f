/**
 * 资助参保: the part of a person's individual premium that assistance pays for a year, by the rules
 * of the pack's `premiumSubsidy` section. Rule choice depends only on the category and the
 * transitional periods in progress (威海 二(二)'s 2022 year, the 脱贫攻坚过渡期), so it is decided by
 * json-rules-engine once per combination when the pack is built.
 */
import { Engine } from "json-rules-engine";
import { toFen, type Money } from "../lib/money";
import type { RulePackDocument, ValueRef } from "./pack-document";
import { evaluateNumber, type ResolvedParameter } from "./parameters";
import type { Beneficiary } from "./types";
import { yearDecisionDate } from "./year-decision";
import { firstOfNextMonth } from "../lib/dates";
import { NO_CATEGORY, type Category, type CategoryFact } from "./vocabulary";
import type { Transitions } from "./transitions";

export type PremiumBasis = "HIGHEST_IN_YEAR" | "FIRST_IN_YEAR";

interface PremiumRule {
  name: string;
  priority?: number;
  conditions: Record<string, unknown>;
  event: { type: "premium-share" | "premium-amount"; params: { clause: string; label: string; share?: ValueRef; standard?: ValueRef; amount?: ValueRef } };
}

/**
 * 渐退期 (乐清 三(三)8 "对民政部门认定渐退期的低保和低边对象，继续资助参保"): a phase-out of these
 * categories keeps the category's premium rule for the years it reaches.
 */
interface PremiumPhaseOut {
  categories: Category[];
  clause: string;
}

/**
 * When a certification starts to count for premiums. NEXT_MONTH (乐清 三(三)8 "新增救助对象，当月参保，
 * 次月生效"): from the first day of the month after certification, so a December certification
 * subsidises the next year's premium; the year a category ends stays subsidised ("当年参保继续有效，
 * 次年不再资助参保") and an enrolment made stays valid for the year it takes effect in.
 */
interface PremiumEffectiveFrom {
  when: "NEXT_MONTH";
  clause: string;
}

/** A period that counts for the premium of a year: a certification from when it takes effect, or a phase-out. */
interface PremiumPeriod {
  category: Category;
  from: string;
  to: string | null;
  phaseOut: boolean;
}

export interface PremiumSubsidyResult {
  category: Category | null;
  /** True when the deciding category is held only as a 渐退期 in the year. */
  phaseOut: boolean;
  basis: PremiumBasis;
  ruleId: string | null;
  clause: string | null;
  label: string | null;
  /** The share of the standard paid, for share rules. */
  share: Money | null;
  /** The amount paid; null when a figure it needs has no value (see `missing`) or no rule applies. */
  amount: Money | null;
  missing: string[];
}

/** The premium rules of one pack version, decided per category and transitions in progress. */
export class PremiumSubsidyTable {
  private constructor(
    readonly basis: PremiumBasis,
    readonly basisClause: string,
    /** By `category|transitionMask`. */
    private readonly choices: Map<string, PremiumRule | null>,
    readonly phaseOut: PremiumPhaseOut | null = null,
    readonly effectiveFrom: PremiumEffectiveFrom | null = null,
  ) {}

  /** Builds the table by running json-rules-engine once per category (and for no category) and subset of transitions. */
  static async build(document: RulePackDocument, problems: string[]): Promise<PremiumSubsidyTable | null> {
    const section = (
      document as {
        premiumSubsidy?: { basis: PremiumBasis; basisClause: string; rules: PremiumRule[]; phaseOut?: PremiumPhaseOut; effectiveFrom?: PremiumEffectiveFrom };
      }
    ).premiumSubsidy;
    if (!section) return null;
    const engine = new Engine([], { allowUndefinedFacts: false });
    const byName = new Map(section.rules.map((rule) => [rule.name, rule]));
    for (const rule of section.rules) engine.addRule({ name: rule.name, priority: rule.priority ?? 1, conditions: rule.conditions as never, event: rule.event });
    const transitionIds = (document.transitions ?? []).map((t) => t.id);
    const choices = new Map<string, PremiumRule | null>();
    for (const category of [NO_CATEGORY, ...document.categories.map((c) => c.id)] as CategoryFact[]) {
      for (let mask = 0; mask < 1 << transitionIds.length; mask++) {
        const transitions = transitionIds.filter((_, i) => (mask & (1 << i)) !== 0);
        const { results } = await engine.run({ category, transitions });
        const matched = results.map((r) => byName.get(r.name)!).sort((a, b) => (b.priority ?? 1) - (a.priority ?? 1));
        if (matched.length > 1 && (matched[0].priority ?? 1) === (matched[1].priority ?? 1)) {
          problems.push(`premiumSubsidy: rules "${matched[0].name}" and "${matched[1].name}" both match category ${category} (transitions: ${transitions.join(", ") || "none"}) with the same priority`);
        }
        choices.set(`${category}|${mask}`, matched[0] ?? null);
      }
    }
    const known = document.categories.map((c) => c.id as string);
    for (const category of section.phaseOut?.categories ?? []) if (!known.includes(category)) problems.push(`premiumSubsidy.phaseOut: category ${category} is not one of the pack's categories`);
    return new PremiumSubsidyTable(section.basis, section.basisClause, choices, section.phaseOut ?? null, section.effectiveFrom ?? null);
  }

  private rule(category: Category | null, transitionMask: number): PremiumRule | null {
    return this.choices.get(`${category ?? NO_CATEGORY}|${transitionMask}`) ?? null;
  }

  /** The periods that count for premiums: certifications from when they take effect, and the pack's phase-outs. */
  private premiumPeriods(beneficiary: Beneficiary, precedence: readonly Category[]): PremiumPeriod[] {
    const periods: PremiumPeriod[] = [];
    for (const p of beneficiary.identities) {
      if (!precedence.includes(p.category)) continue;
      const from = this.effectiveFrom ? firstOfNextMonth(p.from) : p.from;
      periods.push({ category: p.category, from, to: p.to !== null && p.to < from ? from : p.to, phaseOut: false });
    }
    for (const p of beneficiary.phaseOuts ?? []) {
      if (precedence.includes(p.category) && this.phaseOut?.categories.includes(p.category)) periods.push({ ...p, phaseOut: true });
    }
    return periods;
  }

  /**
   * The period of the year that decides, by the pack's basis (a certification before a phase-out of
   * the same rank). The highest held (就高) is the first in precedence whose category has a rule with
   * the transitions in progress: a category whose subsidy was only for a transition that has ended
   * subsidises nothing, so it does not outrank one that does.
   */
  private periodOfYear(beneficiary: Beneficiary, year: number, precedence: readonly Category[], transitionMask: number): PremiumPeriod | null {
    const first = `${year}-01-01`;
    const last = `${year}-12-31`;
    const held = this.premiumPeriods(beneficiary, precedence).filter((p) => p.from <= last && (p.to === null || p.to >= first));
    if (held.length === 0) return null;
    const rank = (p: PremiumPeriod) => precedence.indexOf(p.category) * 2 + (p.phaseOut ? 1 : 0);
    if (this.basis === "FIRST_IN_YEAR") {
      // The identity first certified in the year: a period already running on 1 January counts from then.
      const start = (p: { from: string }) => (p.from < first ? first : p.from);
      return [...held].sort((a, b) => (start(a) === start(b) ? rank(a) - rank(b) : start(a) < start(b) ? -1 : 1))[0];
    }
    const ranked = [...held].sort((a, b) => rank(a) - rank(b));
    return ranked.find((p) => this.rule(p.category, transitionMask) !== null) ?? ranked[0];
  }

  /** The category of the year that decides, by the pack's basis. */
  categoryOfYear(beneficiary: Beneficiary, year: number, precedence: readonly Category[], transitionMask = 0): Category | null {
    return this.periodOfYear(beneficiary, year, precedence, transitionMask)?.category ?? null;
  }

  /** The subsidy of a person for a year, with the parameter values in force on the year's decision date. */
  compute(beneficiary: Beneficiary, year: number, precedence: readonly Category[], parameters: ReadonlyMap<string, ResolvedParameter>, transitions: Transitions): PremiumSubsidyResult {
    const date = yearDecisionDate(year);
    const transitionMask = transitions.mask(beneficiary, date);
    const period = this.periodOfYear(beneficiary, year, precedence, transitionMask);
    const category = period?.category ?? null;
    const rule = this.rule(category, transitionMask);
    const result: PremiumSubsidyResult = { category, phaseOut: period?.phaseOut ?? false, basis: this.basis, ruleId: null, clause: null, label: null, share: null, amount: null, missing: [] };
    if (!rule) return result;
    result.ruleId = rule.name;
    result.clause = rule.event.params.clause;
    result.label = rule.event.params.label;
    const params = parameters as Map<string, ResolvedParameter>;
    if (rule.event.type === "premium-amount") {
      const amount = evaluateNumber(rule.event.params.amount!, params, date);
      if (amount.ok) result.amount = toFen(amount.value);
      else result.missing = amount.missing;
      return result;
    }
    const share = evaluateNumber(rule.event.params.share!, params, date);
    const standard = evaluateNumber(rule.event.params.standard!, params, date);
    if (share.ok) result.share = share.value;
    result.missing = [...(share.ok ? [] : share.missing), ...(standard.ok ? [] : standard.missing)];
    if (share.ok && standard.ok) result.amount = toFen(share.value.times(standard.value));
    return result;
  }
}
