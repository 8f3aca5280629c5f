/**
 * The main job for a new user: settles the sample scenarios of `test/scenarios/design/` under the
 * rule packs of `rules-json/` and prints every settlement with its explanation.
 */
import { loadPackDirectory } from "../engine/pack-loader";
import { packScenarioCheck } from "../scenario/pack-scenarios";
import { runScenarioFiles } from "../scenario/scenario";
import { explainSettlement } from "../scenario/explain";
import { projectPath } from "../lib/project";

async function main(argv: string[]): Promise<number> {
  const targets = argv.length > 0 ? argv : [projectPath("test", "scenarios", "design")];
  const { registry, refused } = await loadPackDirectory(projectPath("rules-json"), packScenarioCheck(projectPath("test", "scenarios")));
  for (const id of registry.ids()) {
    const pack = registry.versions(id)[0];
    process.stdout.write(`loaded pack ${id} v${pack.version}: ${pack.document.source.document}, in force ${pack.document.inForce.appliesFrom} – ${pack.document.inForce.to ?? "(no end)"}\n`);
  }
  for (const { file, error } of refused) process.stdout.write(`REFUSED pack ${file}: ${error.message}\n`);
  process.stdout.write("\n");
  const checks = runScenarioFiles(targets, registry);
  let lastScenario = "";
  for (const check of checks) {
    if (check.scenario !== lastScenario) {
      process.stdout.write(`\n== ${check.scenario}\n`);
      lastScenario = check.scenario;
    }
    if (check.settlement) process.stdout.write(`${explainSettlement(check.settlement)}\n`);
    else if (check.error) process.stdout.write(`claim ${check.claimId}: refused ${check.error.code} at ${check.error.field}: ${check.error.message}\n`);
    process.stdout.write(`  → ${check.summary}\n`);
  }
  const failed = checks.filter((c) => !c.passed).length;
  process.stdout.write(`\n${checks.length - failed} passed, ${failed} failed\n`);
  return failed === 0 && refused.length === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(2);
  },
);
