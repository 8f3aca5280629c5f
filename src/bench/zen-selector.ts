/**
 * The third selector: the same tier-selection decision written as a GoRules ZEN decision table
 * (JDM), one decision per pack and tier, generated from the pack's json-rules-engine rules.
 *
 * @gorules/zen-engine is an optional dependency with a native binary; it is loaded with require in
 * a try/catch so that the benchmark still runs (and prints `n/a`) where it is not installed. Its
 * types are declared here rather than imported for the same reason: the build must not depend on it.
 *
 * Evaluation uses the ASYNC path, `ZenDecision.evaluate`, which is the only decision-evaluation
 * entry point the Node binding (0.52) offers: each call crosses into Rust and resolves a promise.
 * Calls are awaited one at a time, like the naive baseline, so the rate is per settlement on one
 * event loop; ZEN may do the evaluation itself on a native worker thread.
 */
import type { CompiledPack } from "../engine/compiled-pack";
import type { RuleFacts } from "../engine/facts";
import type { RuleDocument } from "../engine/pack-document";
import { TIERS, type Tier } from "../engine/vocabulary";

/** The part of @gorules/zen-engine the benchmark uses. */
interface ZenDecision {
  evaluate(context: unknown): Promise<{ result: Record<string, unknown> }>;
}
interface ZenEngine {
  createDecision(content: object): ZenDecision;
  dispose(): void;
}
interface ZenModule {
  ZenEngine: new () => ZenEngine;
}

/** The facts, as decision-table input columns, in the order of src/engine/facts.ts. */
const INPUT_FIELDS: ReadonlyArray<keyof RuleFacts> = ["category", "kind", "referred", "inProvince", "guidanceFollowed", "insuredType", "applications", "transitions"];
const OUTPUT_FIELD = "rule";

interface Leaf {
  fact: string;
  operator: string;
  value: unknown;
}

/**
 * A json-rules-engine test on one fact as a ZEN unary expression, where `$` is the column's value.
 * Only the operators the packs use are translated; anything else is refused loudly rather than
 * translated approximately, since a wrong translation would make the comparison meaningless.
 */
function unaryExpression(leaf: Leaf): string {
  const value = JSON.stringify(leaf.value);
  switch (leaf.operator) {
    case "equal":
      return `$ == ${value}`;
    case "notEqual":
      return `$ != ${value}`;
    case "in":
      return `$ in ${value}`;
    case "notIn":
      return `not ($ in ${value})`;
    case "contains":
      return `contains($, ${value})`;
    case "doesNotContain":
      return `not contains($, ${value})`;
    default:
      throw new Error(`zen: operator ${leaf.operator} is not translated`);
  }
}

/** One table row: per input column the conjunction of the rule's tests on that fact ("" = any). */
function row(rule: RuleDocument): Record<string, string> {
  const conditions = rule.conditions as { all?: unknown[] };
  if (!Array.isArray(conditions.all) || Object.keys(conditions).length !== 1) {
    throw new Error(`zen: rule ${rule.name}: only an "all" of fact tests is translated`);
  }
  const byFact = new Map<string, string[]>();
  for (const item of conditions.all) {
    const leaf = item as Leaf;
    if (typeof leaf.fact !== "string" || !(INPUT_FIELDS as readonly string[]).includes(leaf.fact)) {
      throw new Error(`zen: rule ${rule.name}: condition ${JSON.stringify(item)} is not a test on a known fact`);
    }
    byFact.set(leaf.fact, [...(byFact.get(leaf.fact) ?? []), unaryExpression(leaf)]);
  }
  const cells: Record<string, string> = { _id: rule.name };
  for (const field of INPUT_FIELDS) {
    const tests = byFact.get(field) ?? [];
    cells[field] = tests.length <= 1 ? (tests[0] ?? "") : tests.map((t) => `(${t})`).join(" and ");
  }
  cells[OUTPUT_FIELD] = JSON.stringify(rule.name);
  return cells;
}

/**
 * The JDM graph (input → decision table → output) of one tier: hit policy "first", rows ordered by
 * descending priority, so the first matching row is json-rules-engine's highest-priority match.
 * Column ids equal the field names, which keeps the rows readable.
 */
export function zenDecisionTable(rules: readonly RuleDocument[]): object {
  // Array.prototype.sort is stable: rules of equal priority keep the pack's order.
  const ordered = [...rules].sort((a, b) => (b.priority ?? 1) - (a.priority ?? 1));
  const position = { x: 0, y: 0 };
  return {
    contentType: "application/vnd.gorules.decision",
    nodes: [
      { id: "input", type: "inputNode", name: "facts", position },
      {
        id: "table",
        type: "decisionTableNode",
        name: "rule selection",
        position,
        content: {
          hitPolicy: "first",
          inputs: INPUT_FIELDS.map((field) => ({ id: field, name: field, field })),
          outputs: [{ id: OUTPUT_FIELD, name: OUTPUT_FIELD, field: OUTPUT_FIELD }],
          rules: ordered.map(row),
        },
      },
      { id: "output", type: "outputNode", name: "rule", position },
    ],
    edges: [
      { id: "in", sourceId: "input", targetId: "table", type: "edge" },
      { id: "out", sourceId: "table", targetId: "output", type: "edge" },
    ],
  };
}

/** Loads @gorules/zen-engine, or returns the reason it cannot be used. */
export function loadZen(): ZenModule | string {
  try {
    const zen = require("@gorules/zen-engine") as ZenModule;
    if (typeof zen.ZenEngine !== "function") return "the module has no ZenEngine";
    return zen;
  } catch (error) {
    return (error as Error).message.split("\n")[0];
  }
}

/** ZEN decisions for every tier of every pack, built once, and a selector that evaluates them. */
export class ZenSelector {
  private readonly engine: ZenEngine;
  /** Per pack object and tier: the decision and the pack's rules by name. */
  private readonly decisions = new Map<CompiledPack, Map<Tier, { decision: ZenDecision; rules: Map<string, RuleDocument> }>>();

  constructor(zen: ZenModule, packs: readonly CompiledPack[]) {
    this.engine = new zen.ZenEngine();
    for (const pack of packs) {
      const byTier = new Map<Tier, { decision: ZenDecision; rules: Map<string, RuleDocument> }>();
      for (const tier of TIERS) {
        const rules = pack.document.tiers[tier]?.rules ?? [];
        if (rules.length === 0) continue;
        byTier.set(tier, {
          decision: this.engine.createDecision(zenDecisionTable(rules)),
          rules: new Map(rules.map((rule) => [rule.name, rule])),
        });
      }
      this.decisions.set(pack, byTier);
    }
  }

  /** Chooses a tier's rule by evaluating the pack's ZEN decision (async; see the file comment). */
  readonly select = async (pack: CompiledPack, tier: Tier, facts: RuleFacts): Promise<RuleDocument | null> => {
    const entry = this.decisions.get(pack)?.get(tier);
    if (!entry) return null;
    const { result } = await entry.decision.evaluate(facts);
    const name = result[OUTPUT_FIELD];
    if (name === undefined) return null;
    const rule = entry.rules.get(String(name));
    if (!rule) throw new Error(`zen: decision ${pack.id}/${tier} answered an unknown rule ${String(name)}`);
    return rule;
  };

  /** Releases the native engine. */
  dispose(): void {
    this.engine.dispose();
  }
}
