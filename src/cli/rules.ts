/**
 * `npm run --silent rules -- validate FILE`: checks a pack as publishing would (schema, rules,
 * references, and the jurisdiction's scenarios in test/scenarios/).
 * `npm run --silent rules -- diff OLD NEW`: which parameters, rules and citations changed.
 * `npm run --silent rules -- decisions`: the table of the shipped packs' decisions (README).
 */
import * as fs from "node:fs";
import { compilePack } from "../engine/compiled-pack";
import { checkPackScenarios } from "../scenario/pack-scenarios";
import { diffPacks } from "../rules/pack-diff";
import { shippedDecisionsTable } from "../rules/decisions";
import { DomainError } from "../lib/errors";
import { projectPath } from "../lib/project";
import type { RulePackDocument } from "../engine/pack-document";

const USAGE = "usage: npm run --silent rules -- validate FILE | diff OLD NEW | decisions";

function read(file: string): unknown {
  return JSON.parse(fs.readFileSync(file, "utf8"));
}

async function main(argv: string[]): Promise<number> {
  const [command, ...files] = argv;
  if (command === "validate" && files.length === 1) {
    try {
      const pack = await compilePack(read(files[0]), files[0]);
      const report = checkPackScenarios(pack, process.env.SCENARIOS_DIR || projectPath("test", "scenarios"));
      for (const failure of report.failures) process.stdout.write(`${failure}\n`);
      if (report.failures.length > 0) {
        process.stdout.write(`${files[0]}: ${pack.id} v${pack.version} builds, but ${report.failures.length} of ${report.checked} scenario checks fail\n`);
        return 1;
      }
      process.stdout.write(`${files[0]}: ${pack.id} v${pack.version} is valid; ${report.checked} scenario checks pass\n`);
      return 0;
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      for (const detail of error.details) process.stdout.write(`  - ${detail}\n`);
      process.stdout.write(`${files[0]}: invalid (${error.details.length || 1} problem(s))\n`);
      return 1;
    }
  }
  if (command === "diff" && files.length === 2) {
    const lines = diffPacks(read(files[0]) as RulePackDocument, read(files[1]) as RulePackDocument);
    for (const line of lines) process.stdout.write(`${line}\n`);
    process.stdout.write(`${lines.length} difference(s)\n`);
    return 0;
  }
  if (command === "decisions" && files.length === 0) {
    process.stdout.write(`${shippedDecisionsTable()}\n`);
    return 0;
  }
  process.stderr.write(`${USAGE}\n`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  },
);
