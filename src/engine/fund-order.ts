/**
 * The order in which charity funds pay a household's top-up: a rule of the pack, evaluated by
 * json-rules-engine on the household's category and whether its township has a fund.
 */
import { Engine } from "json-rules-engine";
import type { FundOrderRuleDocument } from "./pack-document";
import type { CategoryFact } from "./vocabulary";

export type FundKind = "TOWNSHIP" | "CITY";

export interface FundOrder {
  ruleId: string;
  clause: string;
  label: string;
  order: FundKind[];
}

/** The built fund-order rules of one pack version. */
export class FundOrderRules {
  private readonly engine: Engine;
  private readonly byName: Map<string, FundOrderRuleDocument>;

  constructor(rules: FundOrderRuleDocument[]) {
    this.byName = new Map(rules.map((rule) => [rule.name, rule]));
    this.engine = new Engine([], { allowUndefinedFacts: false });
    for (const rule of rules) this.engine.addRule({ name: rule.name, priority: rule.priority ?? 1, conditions: rule.conditions as never, event: rule.event });
  }

  /** The order for a household; null when no rule matches (the pack then has no say). */
  async choose(category: CategoryFact, hasTownshipFund: boolean): Promise<FundOrder | null> {
    const { results } = await this.engine.run({ category, hasTownshipFund });
    let best: FundOrderRuleDocument | null = null;
    for (const result of results) {
      const rule = this.byName.get(result.name);
      if (rule && (!best || (rule.priority ?? 1) > (best.priority ?? 1))) best = rule;
    }
    return best ? { ruleId: best.name, clause: best.event.params.clause, label: best.event.params.label, order: [...best.event.params.order] } : null;
  }
}
