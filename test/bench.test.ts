/**
 * The engine benchmark, short, on every test run so that it cannot rot: it must get through its
 * agreement check (the engine, the naive json-rules-engine baseline and ZEN choose the same rules and
 * settle to the same fen) and print its closing line. Figures are printed, never asserted.
 */
import { distScript, runToEnd } from "./support/processes";
import { SUMMARY_LINE } from "../src/bench/gateway/report";

test("npm run bench, short: the selectors agree and the closing line is printed", async () => {
  const run = await runToEnd(distScript("bench"), ["--claims", "4000", "--baseline-claims", "800"], {});
  const lines = run.stdout.trim().split("\n");
  if (run.code !== 0) throw new Error(`bench exited with ${run.code}:\n${run.stdout}\n${run.stderr}`);
  expect(run.stdout).toMatch(/^agreement: engine, naive( and zen)? choose the same rule/m);
  expect(lines[lines.length - 1]).toMatch(/^engine \d+\/s, naive \d+\/s, zen (\d+\/s|n\/a), engine\/naive \d+\.\d$/);
  process.stdout.write(`${lines[lines.length - 1]}\n`);
}, 180_000);

/**
 * The gateway benchmark, short (1-second phases, 50 people, a 200-bill batch), on SQLite and on
 * MariaDB when TEST_MYSQL_URL is set: every phase must run without a failed request, and the last
 * line must have issue 15's shape. Figures are printed, never asserted.
 */
const gatewayRuns: Array<[string, string[]]> = [["sqlite", []]];
if (process.env.TEST_MYSQL_URL) gatewayRuns.push(["mariadb", ["--database", process.env.TEST_MYSQL_URL, "--workers", "2"]]);

test.each(gatewayRuns)("npm run bench:gateway, short, on %s: every phase runs and the last line has the issue's shape", async (_name, args) => {
  const run = await runToEnd(distScript("bench-gateway"), ["--seconds", "1", "--warmup", "0", "--people", "50", "--connections", "2", "--bills", "200", ...args], {}, 170_000);
  if (run.code !== 0) throw new Error(`bench:gateway exited with ${run.code}:\n${run.stdout}\n${run.stderr}`);
  const lines = run.stdout.trim().split("\n");
  expect(run.stdout).toMatch(/ floor: \d+ requests\/s/);
  expect(run.stdout).toMatch(/ storage floor: 200 bills \(\d+ rows\) stored raw/);
  expect(lines[lines.length - 1]).toMatch(SUMMARY_LINE);
  process.stdout.write(`${lines[lines.length - 1]}\n`);
}, 180_000);
