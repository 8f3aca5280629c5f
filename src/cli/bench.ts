/**
 * `npm run --silent bench`: settles 200,000 generated claims across all packs and categories with
 * the engine alone (no database, no GraphQL) and prints settlements per second for
 *   (a) the engine: AnnualAccounts.settle with the loaded packs (rule choice = decision-table lookup);
 *   (b) a naive baseline: a fresh json-rules-engine Engine run per tier per claim;
 *   (c) the same choice as a @gorules/zen-engine decision table per pack and tier (`n/a` if absent).
 * (b) and (c) differ from (a) in rule selection only (see src/bench/selection.ts), which is checked
 * before timing. The last line is exactly: `engine N/s, naive M/s, zen Z/s, engine/naive R`.
 *
 * Options, for quick runs: --claims N (engine, default 200000), --baseline-claims N (default 20000).
 */
import * as os from "node:os";
import { AnnualAccounts } from "../engine/annual-accounts";
import type { CompiledPack } from "../engine/compiled-pack";
import { loadPackDirectory } from "../engine/pack-loader";
import { packScenarioCheck } from "../scenario/pack-scenarios";
import { projectPath } from "../lib/project";
import { checkAgreement } from "../bench/agreement";
import { describeClaims, generateClaims } from "../bench/generator";
import { selectNaively } from "../bench/naive-selector";
import { BENCH_PARAMETERS } from "../bench/parameters";
import { settleSelecting, type BenchClaim, type RuleSelector } from "../bench/selection";
import { describeRun, timeAsync, timeSelection, timeSync, type TimedRun } from "../bench/timing";
import { loadZen, ZenSelector } from "../bench/zen-selector";

const SEED = 20_240_601;
/** Claims on which the three selectors must agree before anything is timed. */
const SAMPLE = 2_000;
/** Settlements that let V8 optimise the engine's code before its timed run. */
const ENGINE_WARM_UP = 20_000;
const BASELINE_WARM_UP = 1_000;

function option(argv: string[], name: string, fallback: number): number {
  const at = argv.indexOf(name);
  if (at < 0) return fallback;
  const value = Number(argv[at + 1]);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} needs a positive integer`);
  return value;
}

const print = (line: string) => process.stdout.write(`${line}\n`);
const count = (n: number) => n.toLocaleString("en-US");
const perSecond = (rate: number) => `${count(Math.round(rate))}/s`;

/** The newest version of every shipped pack, verified against its scenarios, with benchmark parameters. */
async function benchPacks(): Promise<CompiledPack[]> {
  const { registry, refused } = await loadPackDirectory(projectPath("rules-json"), packScenarioCheck(projectPath("test", "scenarios")));
  if (refused.length > 0) {
    throw new Error(`packs refused: ${refused.map((r) => `${r.file}: ${r.error.message} ${r.error.details.join("; ")}`).join(" | ")}`);
  }
  return registry.ids().map((id) => registry.versions(id)[0].withParameters(BENCH_PARAMETERS[id] ?? {}));
}

/**
 * (a) The engine, after a warm-up: settle is synchronous, so this is one core's throughput. The
 * accounts live only inside this function, so their 200,000 settlements are garbage (not a heap the
 * collector keeps scanning) while the baselines run.
 */
function timeEngine(claims: readonly BenchClaim[]): TimedRun {
  const warmUp = new AnnualAccounts();
  timeSync(claims.slice(0, ENGINE_WARM_UP), (item) => warmUp.settle(item.pack, item.beneficiary, item.claim));
  const accounts = new AnnualAccounts();
  return timeSync(claims, (item) => accounts.settle(item.pack, item.beneficiary, item.claim));
}

/** Times a baseline selector on the first `count` claims after a short warm-up, each in fresh accounts. */
async function timeBaseline(claims: readonly BenchClaim[], count: number, select: RuleSelector): Promise<TimedRun> {
  const warmUp = new AnnualAccounts();
  await timeAsync(claims.slice(0, BASELINE_WARM_UP), (item) => settleSelecting(warmUp, item, select));
  const accounts = new AnnualAccounts();
  return timeAsync(claims.slice(0, count), (item) => settleSelecting(accounts, item, select));
}

async function main(argv: string[]): Promise<number> {
  const engineClaims = option(argv, "--claims", 200_000);
  const baselineClaims = Math.min(option(argv, "--baseline-claims", 20_000), engineClaims);

  print(`machine: ${os.cpus()[0]?.model ?? "unknown cpu"} (${os.cpus().length} logical cpus), node ${process.version}, ${os.platform()} ${os.arch()}`);
  const packs = await benchPacks();
  print(`packs: ${packs.map((p) => `${p.id} v${p.version}`).join(", ")}`);
  print(`benchmark parameters (inputs, not policy): ${Object.entries(BENCH_PARAMETERS).map(([id, values]) => `${id} ${Object.keys(values).length}`).join(", ")}`);

  const { claims, beneficiaries } = generateClaims(packs, engineClaims, SEED);
  print(`generated ${count(claims.length)} claims for ${count(beneficiaries)} beneficiaries (seed ${SEED})`);
  for (const line of describeClaims(claims)) print(`  ${line}`);

  const zen = loadZen();
  const zenSelector = typeof zen === "string" ? null : new ZenSelector(zen, packs);
  if (typeof zen === "string") print(`zen: not available (${zen})`);
  const selectors: Record<string, RuleSelector> = { naive: selectNaively };
  if (zenSelector) selectors.zen = zenSelector.select;

  const agreement = await checkAgreement(claims.slice(0, SAMPLE), packs, selectors);
  print(
    `agreement: engine, ${Object.keys(selectors).join(" and ")} choose the same rule for ${count(agreement.claimChoices)} tier choices ` +
      `on the first ${count(Math.min(SAMPLE, claims.length))} claims and ${count(agreement.combinationChoices)} fact combinations; ` +
      `${count(agreement.settlements)} baseline settlements equal the engine's`,
  );

  const engine = timeEngine(claims);
  print(describeRun("engine (AnnualAccounts.settle, decision tables)", engine));

  // (b) and (c): fewer claims, the same prefix of the list, rates per second.
  const naive = await timeBaseline(claims, baselineClaims, selectNaively);
  print(describeRun("naive (new json-rules-engine Engine per tier per claim)", naive));
  let zenRun: TimedRun | null = null;
  if (zenSelector) {
    zenRun = await timeBaseline(claims, baselineClaims, zenSelector.select);
    print(describeRun("zen (ZEN decision table per pack and tier, async evaluate awaited per tier)", zenRun));
  }

  // Selection alone, on the same prefix: how much of each rate is rule choice and how much is the
  // settlement arithmetic all three share.
  const prefix = claims.slice(0, baselineClaims);
  const table = await timeSelection(prefix, "table");
  const parts = [`decision table ${perSecond(table.rate)}`, `naive ${perSecond((await timeSelection(prefix, selectNaively)).rate)}`];
  if (zenSelector) parts.push(`zen ${perSecond((await timeSelection(prefix, zenSelector.select)).rate)}`);
  print(`rule selection alone (${count(table.choices)} tier choices on the first ${count(prefix.length)} claims): ${parts.join(", ")}`);
  zenSelector?.dispose();

  const zenText = zenRun ? `${Math.round(zenRun.rate)}/s` : "n/a";
  print(`engine ${Math.round(engine.rate)}/s, naive ${Math.round(naive.rate)}/s, zen ${zenText}, engine/naive ${(engine.rate / naive.rate).toFixed(1)}`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(2);
  },
);
