/**
 * 预警监测: a person's cumulative burden in the year after some layers, against thresholds of the
 * pack's `earlyWarning` section. The rule for a category is decided by json-rules-engine once per
 * category when the pack is built; a settlement that makes the burden cross a threshold raises an
 * alert.
 */
import { Engine } from "json-rules-engine";
import { ZERO, toFen, type Money } from "../lib/money";
import type { RulePackDocument, ValueRef } from "./pack-document";
import { evaluateNumber, type ResolvedParameter } from "./parameters";
import type { Settlement } from "./types";
import { NO_CATEGORY, type CategoryFact, type Tier } from "./vocabulary";

interface WarningRule {
  name: string;
  priority?: number;
  conditions: Record<string, unknown>;
  event: { type: "burden-threshold"; params: { clause: string; label: string; threshold: ValueRef; burdenAfter: Tier[] } };
}

export interface WarningRuleChoice {
  ruleId: string;
  clause: string;
  label: string;
  burdenAfter: Tier[];
  /** The threshold, or null with the parameters it lacks. */
  threshold: Money | null;
  missing: string[];
}

/** The year's burden: the bills' totals less what the given tiers paid. */
export function yearBurden(settlements: ReadonlyArray<Pick<Settlement, "total" | "lines">>, after: readonly Tier[]): Money {
  let burden = ZERO;
  for (const settlement of settlements) {
    burden = burden.plus(settlement.total);
    for (const line of settlement.lines) if (after.includes(line.tier)) burden = burden.minus(line.amount);
  }
  return burden;
}

export class EarlyWarningTable {
  private constructor(private readonly byCategory: Map<CategoryFact, WarningRule[]>) {}

  static async build(document: RulePackDocument, problems: string[]): Promise<EarlyWarningTable | null> {
    const section = (document as { earlyWarning?: { rules: WarningRule[] } }).earlyWarning;
    if (!section) return null;
    const engine = new Engine([], { allowUndefinedFacts: false });
    const byName = new Map(section.rules.map((rule) => [rule.name, rule]));
    for (const rule of section.rules) engine.addRule({ name: rule.name, priority: rule.priority ?? 1, conditions: rule.conditions as never, event: rule.event });
    const byCategory = new Map<CategoryFact, WarningRule[]>();
    for (const category of [NO_CATEGORY, ...document.categories.map((c) => c.id)] as CategoryFact[]) {
      const { results } = await engine.run({ category });
      byCategory.set(category, results.map((r) => byName.get(r.name)!));
    }
    void problems;
    return new EarlyWarningTable(byCategory);
  }

  /** The warning rules that watch a person of this category, with their thresholds on `date`. */
  rulesFor(category: CategoryFact, parameters: ReadonlyMap<string, ResolvedParameter>, date: string): WarningRuleChoice[] {
    return (this.byCategory.get(category) ?? []).map((rule) => {
      const threshold = evaluateNumber(rule.event.params.threshold, parameters as Map<string, ResolvedParameter>, date);
      return {
        ruleId: rule.name,
        clause: rule.event.params.clause,
        label: rule.event.params.label,
        burdenAfter: rule.event.params.burdenAfter,
        threshold: threshold.ok ? toFen(threshold.value) : null,
        missing: threshold.ok ? [] : threshold.missing,
      };
    });
  }
}

/** True when a burden went from at or under the threshold to above it. */
export function crosses(threshold: Money, before: Money, after: Money): boolean {
  return before.lessThanOrEqualTo(threshold) && after.greaterThan(threshold);
}

export interface RaisedAlert {
  ruleId: string;
  clause: string;
  label: string;
  threshold: Money;
  burdenBefore: Money;
  burdenAfter: Money;
}

/**
 * The alerts a settlement raises: for each warning rule watching the settlement's category, whether
 * the year's burden crossed its threshold with this settlement. Rules whose threshold has no value
 * raise nothing (they are listed in `unset`).
 */
export function raisedAlerts(
  warnings: EarlyWarningTable | null,
  parameters: ReadonlyMap<string, ResolvedParameter>,
  earlier: ReadonlyArray<Pick<Settlement, "total" | "lines">>,
  current: Settlement,
): { raised: RaisedAlert[]; unset: string[] } {
  if (!warnings) return { raised: [], unset: [] };
  const raised: RaisedAlert[] = [];
  const unset: string[] = [];
  for (const rule of warnings.rulesFor(current.category ?? NO_CATEGORY, parameters, current.date)) {
    if (!rule.threshold) {
      unset.push(...rule.missing);
      continue;
    }
    const before = yearBurden(earlier, rule.burdenAfter);
    const after = before.plus(yearBurden([current], rule.burdenAfter));
    if (crosses(rule.threshold, before, after)) raised.push({ ruleId: rule.ruleId, clause: rule.clause, label: rule.label, threshold: rule.threshold, burdenBefore: before, burdenAfter: after });
  }
  return { raised, unset };
}
