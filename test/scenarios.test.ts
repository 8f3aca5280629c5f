/**
 * Every scenario of test/scenarios/ passes against the packs of rules-json/, through the same
 * runner the `scenarios` command uses.
 */
import * as path from "node:path";
import { loadPackDirectory } from "../src/engine/pack-loader";
import { runScenarioFiles, scenarioFiles } from "../src/scenario/scenario";
import { projectPath } from "../src/lib/project";
import type { PackRegistry } from "../src/engine/pack-registry";

const scenariosDir = projectPath("test", "scenarios");
let registry: PackRegistry;

beforeAll(async () => {
  const loaded = await loadPackDirectory(projectPath("rules-json"));
  expect(loaded.refused.map((r) => `${r.file}: ${r.error.details.join("; ")}`)).toEqual([]);
  registry = loaded.registry;
});

describe.each(scenarioFiles([scenariosDir]).map((file) => [path.relative(scenariosDir, file)]))("scenario %s", (relative) => {
  it("passes every claim", () => {
    const checks = runScenarioFiles([path.join(scenariosDir, relative)], registry);
    expect(checks.length).toBeGreaterThan(0);
    expect(checks.filter((c) => !c.passed).map((c) => c.summary)).toEqual([]);
  });
});
