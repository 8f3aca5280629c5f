/**
 * Test support: the packs of rules-json/, loaded once per test file, and test values for the
 * parameters the texts leave without a value (so that every formula can be exercised).
 */
import { loadPackDirectory } from "../../src/engine/pack-loader";
import { projectPath } from "../../src/lib/project";
import type { PackRegistry } from "../../src/engine/pack-registry";
import type { CompiledPack } from "../../src/engine/compiled-pack";

let loading: Promise<PackRegistry> | null = null;

/** The registry of the shipped packs; fails the test if any pack is refused. */
export function shippedPacks(): Promise<PackRegistry> {
  loading ??= loadPackDirectory(projectPath("rules-json")).then(({ registry, refused }) => {
    if (refused.length > 0) throw new Error(`packs refused: ${refused.map((r) => `${r.file}: ${r.error.details.join("; ")}`).join(" | ")}`);
    return registry;
  });
  return loading;
}

/**
 * Test values (not policy) for every parameter without a value, by unit: enough to compute every
 * tier, with small caps so that property tests reach them often.
 */
export function withTestValuesForUnsetParameters(pack: CompiledPack): CompiledPack {
  const overrides: Record<string, unknown> = {};
  for (const [id, parameter] of Object.entries(pack.document.parameters)) {
    const unset = parameter.values ? parameter.values.some((v) => v.value === null) : parameter.value === null || parameter.value === undefined;
    if (!unset) continue;
    if (parameter.unit === "CNY") overrides[id] = id.toLowerCase().includes("income") ? "30000.00" : "2000.00";
    // A ratio with a floor (东至 二(五) 不低于70%) takes the floor: a lower test value is refused.
    else if (parameter.unit === "ratio") overrides[id] = parameter.floor ? pack.document.parameters[parameter.floor.param].value : "0.55";
    else if (parameter.unit === "share") overrides[id] = "0.20";
    // A transition's end left unset: mid-2023, so that rules of a transitional period both apply and end.
    else if (parameter.unit === "date") overrides[id] = "2023-06-30";
    else overrides[id] = [{ from: "3000.00", ratio: "0.50" }, { from: "20000.00", ratio: "0.60" }, { from: "60000.00", ratio: "0.70" }];
  }
  return pack.withParameters(overrides);
}
