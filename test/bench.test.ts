/**
 * The engine benchmark, short, on every test run so that it cannot rot: it must get through its
 * agreement check (the engine, the naive json-rules-engine baseline and ZEN choose the same rules and
 * settle to the same fen) and print its closing line. Figures are printed, never asserted.
 */
import { distScript, runToEnd } from "./support/processes";

test("npm run bench, short: the selectors agree and the closing line is printed", async () => {
  const run = await runToEnd(distScript("bench"), ["--claims", "4000", "--baseline-claims", "800"], {});
  const lines = run.stdout.trim().split("\n");
  if (run.code !== 0) throw new Error(`bench exited with ${run.code}:\n${run.stdout}\n${run.stderr}`);
  expect(run.stdout).toMatch(/^agreement: engine, naive( and zen)? choose the same rule/m);
  expect(lines[lines.length - 1]).toMatch(/^engine \d+\/s, naive \d+\/s, zen (\d+\/s|n\/a), engine\/naive \d+\.\d$/);
  process.stdout.write(`${lines[lines.length - 1]}\n`);
}, 180_000);
