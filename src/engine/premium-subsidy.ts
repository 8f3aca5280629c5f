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
import { NO_CATEGORY, type Category, type CategoryFact } from "./vocabulary";
import type { Transitions } from "./transitions";

export type PremiumBasis = "HIGHEST_IN_YEAR" | "FIRST_IN_YEAR";

interface PremiumRule {
  name: string;
  priority?: number;
  conditions: Record<string, unknown>;
  event: { type: "premium-share" | "premium-amount"; params: { clause: string; label: string; share?: ValueRef; standard?: ValueRef; amount?: ValueRef } };
}

export interface PremiumSubsidyResult {
  category: Category | null;
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
  ) {}

  /** Builds the table by running json-rules-engine once per category (and for no category) and subset of transitions. */
  static async build(document: RulePackDocument, problems: string[]): Promise<PremiumSubsidyTable | null> {
    const section = (document as { premiumSubsidy?: { basis: PremiumBasis; basisClause: string; rules: PremiumRule[] } }).premiumSubsidy;
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
    return new PremiumSubsidyTable(section.basis, section.basisClause, choices);
  }

  private rule(category: Category | null, transitionMask: number): PremiumRule | null {
    return this.choices.get(`${category ?? NO_CATEGORY}|${transitionMask}`) ?? null;
  }

  /**
   * The category of the year that decides, by the pack's basis. The highest held (就高) is the first
   * in precedence that has a rule with the transitions in progress: a category whose subsidy was
   * only for a transition that has ended subsidises nothing, so it does not outrank one that does.
   */
  categoryOfYear(beneficiary: Beneficiary, year: number, precedence: readonly Category[], transitionMask = 0): Category | null {
    const first = `${year}-01-01`;
    const last = `${year}-12-31`;
    const held = beneficiary.identities.filter((p) => precedence.includes(p.category) && p.from <= last && (p.to === null || p.to >= first));
    if (held.length === 0) return null;
    const rank = (c: Category) => precedence.indexOf(c);
    if (this.basis === "FIRST_IN_YEAR") {
      // The identity first certified in the year: a period already running on 1 January counts from then.
      const start = (p: { from: string }) => (p.from < first ? first : p.from);
      return [...held].sort((a, b) => (start(a) === start(b) ? rank(a.category) - rank(b.category) : start(a) < start(b) ? -1 : 1))[0].category;
    }
    const ranked = [...held].sort((a, b) => rank(a.category) - rank(b.category));
    return (ranked.find((p) => this.rule(p.category, transitionMask) !== null) ?? ranked[0]).category;
  }

  /** The subsidy of a person for a year, with the parameter values in force on the year's decision date. */
  compute(beneficiary: Beneficiary, year: number, precedence: readonly Category[], parameters: ReadonlyMap<string, ResolvedParameter>, transitions: Transitions): PremiumSubsidyResult {
    const date = yearDecisionDate(year);
    const transitionMask = transitions.mask(beneficiary, date);
    const category = this.categoryOfYear(beneficiary, year, precedence, transitionMask);
    const rule = this.rule(category, transitionMask);
    const result: PremiumSubsidyResult = { category, basis: this.basis, ruleId: null, clause: null, label: null, share: null, amount: null, missing: [] };
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
