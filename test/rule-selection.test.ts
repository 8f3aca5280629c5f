/**
 * Rule selection: the decision table asks json-rules-engine once per combination of the facts a
 * tier's rules name. It must choose what a run of the engine on the whole combination chooses.
 */
import * as fs from "node:fs";
import { Engine } from "json-rules-engine";
import { compilePack } from "../src/engine/compiled-pack";
import { namedFacts } from "../src/engine/rule-selection";
import type { RuleDocument } from "../src/engine/pack-document";
import { projectPath } from "../src/lib/project";

/** What the engine alone chooses for one full combination: the matching rule of highest priority. */
async function engineChoice(rules: RuleDocument[], facts: object): Promise<string | null> {
  const engine = new Engine([], { allowUndefinedFacts: false });
  for (const rule of rules) engine.addRule({ name: rule.name, priority: rule.priority ?? 1, conditions: rule.conditions as never, event: rule.event });
  const { results } = await engine.run({ ...facts });
  const best = results.map((r) => rules.find((rule) => rule.name === r.name)!).sort((a, b) => (b.priority ?? 1) - (a.priority ?? 1))[0];
  return best?.name ?? null;
}

describe("rule selection", () => {
  it.each(fs.readdirSync(projectPath("rules-json")))("chooses in %s what the engine chooses on the whole combination of facts", async (file) => {
    const document = JSON.parse(fs.readFileSync(projectPath("rules-json", file), "utf8"));
    const pack = await compilePack(document, file);
    for (const [tier, table] of Object.entries(pack.tables)) {
      const rules: RuleDocument[] = document.tiers[tier].rules;
      let compared = 0;
      // Every 37th combination: each fact value and each tier is reached, at a fraction of the cost.
      for (const { index, facts } of pack.space.combinations()) {
        if (index % 37 !== 0) continue;
        expect([tier, index, table!.choose(index)?.name ?? null]).toEqual([tier, index, await engineChoice(rules, facts)]);
        compared++;
      }
      expect(compared).toBeGreaterThan(10);
    }
  });

  it("names the facts of nested conditions and fact comparisons, and gives up on shared conditions", () => {
    const rule = (conditions: unknown) => ({ name: "r", conditions, event: { type: "x" } }) as unknown as RuleDocument;
    expect(namedFacts([rule({ all: [{ fact: "kind", operator: "equal", value: "INPATIENT" }, { any: [{ fact: "referred", operator: "equal", value: { fact: "inProvince" } }] }] })])).toEqual(["inProvince", "kind", "referred"]);
    expect(namedFacts([rule({ all: [] })])).toEqual([]);
    expect(namedFacts([rule({ all: [{ condition: "shared" }] })])).toBeNull();
  });
});
