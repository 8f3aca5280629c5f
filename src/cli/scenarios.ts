/**
 * `npm run --silent scenarios -- FILE_OR_DIR...`: runs scenario files against the rule packs of
 * `rules-json/`, one line per claim checked, a last line `N passed, N failed`, and a non-zero exit
 * status on any failure (DESIGN.md, "Scenario files").
 */
import { loadPackDirectory } from "../engine/pack-loader";
import { runScenarioFiles, type ClaimCheck } from "../scenario/scenario";
import { runScenarioFilesOnGateway } from "../scenario/gateway-runner";
import { projectPath } from "../lib/project";

const USAGE = "usage: npm run --silent scenarios -- [--gateway URL --key KEY] FILE_OR_DIR...\n";

async function main(argv: string[]): Promise<number> {
  let gateway: string | null = null;
  let key: string | null = null;
  const targets: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--gateway") gateway = argv[++i] ?? null;
    else if (argv[i] === "--key") key = argv[++i] ?? null;
    else targets.push(argv[i]);
  }
  if (targets.length === 0 || (gateway === null) !== (key === null) || targets.some((t) => t.startsWith("--"))) {
    process.stderr.write(USAGE);
    return 2;
  }
  if (gateway && key) return report(await runScenarioFilesOnGateway(targets, gateway, key));
  // The runner checks scenarios against the packs as they are, so packs are loaded without
  // verifying them against their own scenarios first: a failing scenario should show as a FAIL
  // line here, not as a missing pack.
  const { registry, refused } = await loadPackDirectory(projectPath("rules-json"));
  for (const { file, error } of refused) {
    process.stderr.write(`pack refused: ${file}: ${error.message}\n${error.details.map((d) => `  - ${d}`).join("\n")}\n`);
  }
  return report(runScenarioFiles(targets, registry));
}

/** Prints one line per claim and the totals; the exit status says whether all passed. */
function report(checks: ClaimCheck[]): number {
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
