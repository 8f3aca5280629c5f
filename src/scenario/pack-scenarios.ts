/**
 * A rule pack put to its own scenarios: those of the scenario folders written for it, and any a new
 * version brings attached. A pack whose scenarios fail is not published or loaded.
 */
import * as fs from "node:fs";
import type { CompiledPack } from "../engine/compiled-pack";
import type { PackCheck } from "../engine/pack-loader";
import { PackRegistry } from "../engine/pack-registry";
import { readScenario, runScenario, scenarioFiles, type Scenario } from "./scenario";

/** What running a pack's scenarios found. */
export interface PackScenarioReport {
  /** One line per failing claim. */
  failures: string[];
  /** Names of stored scenarios that attached scenarios replaced. */
  replaced: string[];
  /** How many claims were checked. */
  checked: number;
}

/**
 * Runs the scenarios written for a pack (those of `scenariosDir` whose `pack` is its id) and any
 * attached ones against the pack alone. An attached scenario with the same `name` as a stored one
 * replaces it: that is how a new version states the new expectations of a case whose figures it
 * changes.
 */
export function checkPackScenarios(pack: CompiledPack, scenariosDir: string | null, attached: Scenario[] = []): PackScenarioReport {
  const registry = new PackRegistry();
  registry.add(pack);
  const attachedNames = new Set(attached.map((s) => s.name));
  const report: PackScenarioReport = { failures: [], replaced: [], checked: 0 };
  const run = (scenario: Scenario, file: string) => {
    for (const check of runScenario(scenario, registry, file)) {
      report.checked++;
      if (!check.passed) report.failures.push(check.summary);
    }
  };
  if (scenariosDir && fs.existsSync(scenariosDir)) {
    for (const file of scenarioFiles([scenariosDir])) {
      const scenario = readScenario(file);
      if (scenario.pack !== pack.id) continue;
      if (attachedNames.has(scenario.name)) report.replaced.push(scenario.name);
      else run(scenario, file);
    }
  }
  attached.forEach((scenario, index) => {
    if (scenario.pack !== pack.id) report.failures.push(`FAIL attached scenario ${index} "${scenario.name}": it is for pack ${scenario.pack}, not ${pack.id}`);
    else run(scenario, `attached[${index}]`);
  });
  return report;
}

/** The failures of a pack's own scenarios (see checkPackScenarios). */
export function packScenarioFailures(pack: CompiledPack, scenariosDir: string | null): string[] {
  return checkPackScenarios(pack, scenariosDir).failures;
}

/** The check `loadPackDirectory` takes: a pack's own scenarios of `scenariosDir`. */
export function packScenarioCheck(scenariosDir: string | null): PackCheck {
  return (pack) => packScenarioFailures(pack, scenariosDir);
}
