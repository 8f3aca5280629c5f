/**
 * Loading the rule packs of `rules-json/`: each file is built (schema, references, decision tables)
 * and then run against its own scenarios; a pack that fails either is not loaded, and the reasons
 * are returned so that the caller can report them.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { DomainError, isDomainError } from "../lib/errors";
import { compilePack, type CompiledPack } from "./compiled-pack";
import { PackRegistry } from "./pack-registry";
import { readScenario, runScenario, scenarioFiles, type Scenario } from "../scenario/scenario";

export interface RefusedPack {
  file: string;
  error: DomainError;
}

export interface LoadedPacks {
  registry: PackRegistry;
  refused: RefusedPack[];
}

/** Reads and builds one pack file. */
export async function loadPackFile(file: string): Promise<CompiledPack> {
  let document: unknown;
  try {
    document = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (error) {
    throw new DomainError("INVALID_PACK", file, `${file}: not JSON: ${(error as Error).message}`, [(error as Error).message]);
  }
  return compilePack(document, path.basename(file));
}

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

/** Loads every `*.json` pack of a directory; packs that fail are refused, the rest registered. */
export async function loadPackDirectory(dir: string, scenariosDir: string | null = null): Promise<LoadedPacks> {
  const registry = new PackRegistry();
  const refused: RefusedPack[] = [];
  const files = fs.readdirSync(dir).filter((f) => f.endsWith(".json")).sort();
  for (const name of files) {
    const file = path.join(dir, name);
    try {
      const pack = await loadPackFile(file);
      const failures = packScenarioFailures(pack, scenariosDir);
      if (failures.length > 0) {
        throw new DomainError("INVALID_PACK", name, `${name}: ${failures.length} of its scenarios fail`, failures);
      }
      registry.add(pack);
    } catch (error) {
      if (!isDomainError(error)) throw error;
      refused.push({ file, error });
    }
  }
  return { registry, refused };
}
