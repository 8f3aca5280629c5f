/**
 * `npm run --silent build && node dist/src/cli/bench-galera.js`: settle throughput on the Galera
 * cluster of test/galera/cluster.sh (TEST_GALERA_URLS, node 1 first) with one, two and three nodes
 * written at once. One database, made and seeded through node 1; a gateway process per node on it;
 * then one phase per node count, autocannon submitting and settling new claims through that many
 * gateways at the same time, each gateway for households of its own (so what is measured is the
 * cluster, not one household's lock). Prints per gateway and in all settlements/s, the same for a
 * phase where the three gateways settle for the same households (conflicts the door retries), then
 * check-data's line once the gateways have stopped, and last
 * `galera settle: 1 node N/s (R of standalone), 2 nodes M/s (…), 3 nodes K/s (…); standalone S/s`.
 * Any failed request fails the run. Options: --seconds N (per phase, 10), --warmup N (2),
 * --connections N (per gateway, 4), --people N (120).
 * With TEST_MYSQL_URL, the same phase first on that standalone server through one gateway: the
 * reference the cluster's figures are divided by, measured in the same run, since the machine's
 * load moves every figure.
 */
import * as os from "node:os";
import { readOptions, type BenchOptions } from "../bench/gateway/options";
import { problemsOf, runPhase, type PhaseResult } from "../bench/gateway/load";
import { settleWorkload } from "../bench/gateway/operations";
import { spawnGateway, type GatewayProcess } from "../bench/gateway/process";
import { distFile } from "../bench/gateway/paths";
import { describePhase, describeSetup } from "../bench/gateway/report";
import { mysqlDatabase, seed, type BenchDatabase } from "../bench/gateway/setup";
import { connectDatabase } from "../gateway/bootstrap";
import { checkData, summaryLine } from "../invariants/check-data";

const print = (line: string) => process.stdout.write(`${line}\n`);

/** The same database as `database`, reached through another node. */
function throughNode(database: BenchDatabase, nodeUrl: string): string {
  const url = new URL(nodeUrl);
  url.pathname = new URL(database.url).pathname;
  return url.toString();
}

/** Every `n`-th of the ids, starting at `i`: each gateway's own households. */
function slice<T>(items: readonly T[], i: number, n: number): T[] {
  return items.filter((_, index) => index % n === i);
}

/**
 * Runs one phase on the first `n` gateways at once (after a warm-up on each); `shared`: all of them
 * settle for every household instead of their own. Returns the total settlements per second.
 */
async function phase(label: string, gateways: GatewayProcess[], key: string, people: string[], options: BenchOptions, shared: boolean): Promise<number> {
  const n = gateways.length;
  const settings = (g: GatewayProcess, seconds: number) => ({ url: g.url, key, seconds, connections: options.connections, rate: null });
  const households = (i: number) => (shared ? people : slice(people, i, n));
  if (options.warmupSeconds > 0) await Promise.all(gateways.map((g, i) => runPhase(`${label} warm-up`, settings(g, options.warmupSeconds), settleWorkload(households(i)))));
  const results = await Promise.all(gateways.map((g, i) => runPhase(`${label}, node ${i + 1}`, settings(g, options.seconds), settleWorkload(households(i)))));
  for (const result of results) print(describePhase(result, "settlements"));
  const problems = results.flatMap((result: PhaseResult) => problemsOf(result).map((p) => `${result.name}: ${p}`));
  if (problems.length > 0) throw new Error(problems.join("; "));
  const total = results.reduce((sum, result) => sum + result.okPerSecond, 0);
  print(`${label}: ${Math.round(total)} settlements/s in all`);
  return total;
}

/**
 * Seeds `database` through the first of `nodeUrls`, starts a gateway on each of them, runs `measure`,
 * stops the gateways — autocannon leaves requests in flight when a phase ends, and they finish
 * during the gateways' drain — then runs check-data through the first node, and drops the database.
 */
async function withGateways<T>(database: BenchDatabase, nodeUrls: string[], options: BenchOptions, measure: (gateways: GatewayProcess[], key: string, people: string[]) => Promise<T>): Promise<T> {
  const gateways: GatewayProcess[] = [];
  try {
    const started = Date.now();
    const seeded = await seed(database, options.people);
    print(`seeded ${options.people} beneficiaries with a settled claim each through ${nodeUrls[0]} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    // One after another: each start checks the migrations and the packs.
    for (const url of nodeUrls) gateways.push(await spawnGateway(distFile("cli", "start.js"), throughNode(database, url), null, "galera"));
    const result = await measure(gateways, seeded.key, seeded.beneficiaryIds);
    for (const gateway of gateways.splice(0)) await gateway.stop();
    const dataSource = await connectDatabase(database.config);
    try {
      print(`check-data through ${nodeUrls[0]}: ${summaryLine(await checkData(dataSource, (line) => print(`  ${line}`)))}`);
    } finally {
      await dataSource.destroy();
    }
    return result;
  } finally {
    for (const gateway of gateways) await gateway.stop();
    await database.drop();
  }
}

async function main(argv: string[]): Promise<void> {
  const urls = process.env.TEST_GALERA_URLS?.split(",").filter(Boolean) ?? [];
  if (urls.length !== 3) throw new Error("TEST_GALERA_URLS must name the cluster's three nodes (test/galera/cluster.sh start prints them)");
  // The first occurrence of an option counts: the caller's, then these defaults.
  const options = readOptions([...argv, "--seconds", "10", "--connections", "4", "--people", "120"]);
  for (const line of describeSetup(options)) print(line);
  print(`cluster: ${urls.join(", ")}; load average at start ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}`);
  const standaloneUrl = process.env.TEST_MYSQL_URL;
  const reference = standaloneUrl ? await withGateways(await mysqlDatabase(standaloneUrl), [standaloneUrl], options, (gateways, key, people) => phase("standalone MariaDB", gateways, key, people, options, false)) : null;
  const perNodes = await withGateways(await mysqlDatabase(urls[0]), urls, options, async (gateways, key, people) => {
    const totals: number[] = [];
    for (let n = 1; n <= 3; n++) totals.push(await phase(`${n} node${n > 1 ? "s" : ""}`, gateways.slice(0, n), key, people, options, false));
    await phase("3 nodes, same households", gateways, key, people, options, true);
    return totals;
  });
  print(`load average at end ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}`);
  const ratio = (perSecond: number) => (reference ? ` (${(perSecond / reference).toFixed(2)} of standalone)` : "");
  print(`galera settle: ${perNodes.map((perSecond, i) => `${i + 1} node${i > 0 ? "s" : ""} ${Math.round(perSecond)}/s${ratio(perSecond)}`).join(", ")}${reference ? `; standalone ${Math.round(reference)}/s` : ""}`);
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench-galera FAILED: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
    process.exit(1);
  },
);
