/**
 * The naive baseline of the benchmark: rule selection as a straightforward use of json-rules-engine
 * would do it, with a new Engine holding the tier's rules for every claim and tier, an awaited run,
 * and the highest-priority matching rule taken. This is what the engine's decision table (built once
 * per pack, see src/engine/rule-selection.ts) replaces.
 */
import { Engine } from "json-rules-engine";
import type { CompiledPack } from "../engine/compiled-pack";
import type { RuleFacts } from "../engine/facts";
import type { RuleDocument } from "../engine/pack-document";
import type { Tier } from "../engine/vocabulary";

/**
 * Chooses a tier's rule by running json-rules-engine on the claim's facts. The options and the
 * priority default are those the engine uses when it builds its tables, so the two can only
 * disagree if tabulation itself were wrong.
 */
export async function selectNaively(pack: CompiledPack, tier: Tier, facts: RuleFacts): Promise<RuleDocument | null> {
  const rules = pack.document.tiers[tier]?.rules ?? [];
  if (rules.length === 0) return null;
  const engine = new Engine([], { allowUndefinedFacts: false });
  for (const rule of rules) {
    engine.addRule({ name: rule.name, priority: rule.priority ?? 1, conditions: rule.conditions as never, event: rule.event });
  }
  const { results } = await engine.run({ ...facts });
  let best: RuleDocument | null = null;
  for (const result of results) {
    const rule = rules.find((candidate) => candidate.name === result.name);
    // Strictly greater: of two equal priorities the first in the run's results wins. Packs never have such ties
    // (the pack compiler refuses them), so this is only a deterministic tie-break.
    if (rule && (best === null || (rule.priority ?? 1) > (best.priority ?? 1))) best = rule;
  }
  return best;
}
