/**
 * `npm run --silent scenarios -- FILE_OR_DIR...`: runs scenario files against the rule packs of
 * `rules-json/`, one line per claim checked, a last line `N passed, N failed`, and a non-zero exit
 * status on any failure (DESIGN.md, "Scenario files").
 */
import { loadPackDirectory } from "../engine/pack-loader";
import { runScenarioFiles } from "../scenario/scenario";
import { projectPath } from "../lib/project";

async function main(argv: string[]): Promise<number> {
  const targets = argv.filter((arg) => !arg.startsWith("--"));
  if (targets.length === 0) {
    process.stderr.write("usage: npm run --silent scenarios -- FILE_OR_DIR...\n");
    return 2;
  }
  // The runner checks scenarios against the packs as they are, so packs are loaded without
  // verifying them against their own scenarios first: a failing scenario should show as a FAIL
  // line here, not as a missing pack.
  const { registry, refused } = await loadPackDirectory(projectPath("rules-json"));
  for (const { file, error } of refused) {
    process.stderr.write(`pack refused: ${file}: ${error.message}\n${error.details.map((d) => `  - ${d}`).join("\n")}\n`);
  }
  const checks = runScenarioFiles(targets, registry);
  for (const check of checks) process.stdout.write(`${check.summary}\n`);
  const passed = checks.filter((c) => c.passed).length;
  const failed = checks.length - passed;
  process.stdout.write(`${passed} passed, ${failed} failed\n`);
  return failed === 0 && checks.length > 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(2);
  },
);
