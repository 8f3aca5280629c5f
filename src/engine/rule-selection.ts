/**
 * Rule selection: which rule of a tier applies to a claim is decided by json-rules-engine.
 *
 * Because every fact is categorical, the engine is run once per combination of facts when the pack
 * is built, and the answers are kept in a table. Settling a claim then costs one array lookup for
 * the choice, instead of an asynchronous rules run per tier per claim (the naive baseline of the
 * benchmark), while json-rules-engine remains the single authority on what the conditions mean.
 */
import { Engine, type EngineResult } from "json-rules-engine";
import type { RuleDocument } from "./pack-document";
import type { FactSpace, RuleFacts } from "./facts";

/** The rule chosen for each combination of facts (null: no rule applies). */
export class DecisionTable {
  constructor(private readonly choices: ReadonlyArray<RuleDocument | null>) {}

  /** The rule for the combination with this index (see FactSpace.index). */
  choose(index: number): RuleDocument | null {
    return this.choices[index] ?? null;
  }

  /** How many combinations have a rule. */
  get coveredCombinations(): number {
    return this.choices.filter((choice) => choice !== null).length;
  }
}

/**
 * Runs json-rules-engine on every combination of facts for one tier's rules. When several rules
 * match, the highest priority wins; two matching rules of equal, highest priority are a fault of
 * the pack (the choice would be arbitrary) and are reported as problems.
 */
export async function buildDecisionTable(tierName: string, rules: RuleDocument[], space: FactSpace, problems: string[]): Promise<DecisionTable> {
  const choices: Array<RuleDocument | null> = new Array(space.size).fill(null);
  if (rules.length === 0) return new DecisionTable(choices);

  const byName = new Map(rules.map((rule) => [rule.name, rule]));
  const engine = new Engine([], { allowUndefinedFacts: false });
  for (const rule of rules) {
    engine.addRule({ name: rule.name, priority: rule.priority ?? 1, conditions: rule.conditions as never, event: rule.event });
  }
  const reported = new Set<string>();
  // Facts no condition names cannot change the outcome: the engine runs once per combination of
  // the facts the tier's rules name, and the other combinations take that run's choice.
  const named = namedFacts(rules);
  const chosen = new Map<string, RuleDocument | null>();
  for (const { index, facts } of space.combinations()) {
    const projection = named === null ? String(index) : JSON.stringify(named.map((fact) => (facts as unknown as Record<string, unknown>)[fact]));
    let best = chosen.get(projection);
    if (best === undefined) {
      best = chooseBest(await engine.run({ ...facts }), byName, facts, tierName, reported, problems);
      chosen.set(projection, best);
    }
    choices[index] = best;
  }
  return new DecisionTable(choices);
}

/** The best-priority matching rule of one engine run; a tie at the top is reported once per pair. */
function chooseBest(outcome: EngineResult, byName: Map<string, RuleDocument>, facts: RuleFacts, tierName: string, reported: Set<string>, problems: string[]): RuleDocument | null {
  let best: RuleDocument | null = null;
  let bestPriority = -Infinity;
  for (const result of outcome.results) {
    const rule = byName.get(result.name);
    if (!rule) continue;
    const priority = rule.priority ?? 1;
    if (priority > bestPriority) {
      best = rule;
      bestPriority = priority;
    } else if (priority === bestPriority && best) {
      const pair = `${best.name}|${rule.name}`;
      if (!reported.has(pair)) {
        reported.add(pair);
        problems.push(`tiers.${tierName}: rules "${best.name}" and "${rule.name}" both match ${describe(facts)} with the same priority ${priority}`);
      }
    }
  }
  return best;
}

/**
 * The facts the rules' conditions name, sorted; null when a condition refers to a shared condition
 * by name (its facts are not visible here, so every combination is run).
 */
export function namedFacts(rules: RuleDocument[]): string[] | null {
  const names = new Set<string>();
  let opaque = false;
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (node === null || typeof node !== "object") return;
    const record = node as Record<string, unknown>;
    if (typeof record.fact === "string") names.add(record.fact);
    if (typeof record.condition === "string") opaque = true;
    Object.values(record).forEach(walk);
  };
  rules.forEach((rule) => walk(rule.conditions));
  return opaque ? null : [...names].sort();
}

function describe(facts: object): string {
  return JSON.stringify(facts);
}
