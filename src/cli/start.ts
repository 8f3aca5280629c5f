/**
 * `npm start`: starts the gateway on the configured database (SQLite under ./data by default).
 * A demo data set and a demo ADMIN key are loaded only on the embedded default database (no
 * DATABASE_URL) when it is empty, or with `--demo`; elsewhere the first ADMIN key comes from
 * `npm run --silent apikey -- create --role ADMIN --name NAME`.
 *
 * Spread out (issue 14): `--subgraph NAME` serves one owner's subgraph alone (its own DATABASE_URL
 * and PORT, SUBGRAPH_SECRET); `--gateway` serves only the gateway, which reaches the subgraphs named
 * in SUBGRAPHS over HTTP and keeps the API keys in its own database.
 *
 * The port is bound before anything is written; a mistake in the environment is one line on
 * stderr and exit 1. SIGTERM fails /readyz first, serves on for SHUTDOWN_DRAIN_SECONDS, then
 * closes; SIGINT (Ctrl-C) closes at once.
 *
 * `--workers N` (issue 15): N processes share the port (src/cli/workers.ts); the primary prepares
 * the database and forks, each worker serves as one process does. Refused above 1 on SQLite.
 */
import "reflect-metadata";
import { ConfigError, readConfig, type GatewayConfig } from "../lib/config";
import { createLogger, type Logger } from "../lib/logger";
import cluster from "node:cluster";
import type * as http from "node:http";
import { openServices, type Preparation } from "../gateway/bootstrap";
import { startGateway, type RunningGateway } from "../gateway/server";
import { startSubgraphServer } from "../gateway/subgraph-server";
import { charityForSettlementsRouter } from "../charity/settlement-intake";
import { OWNER_SUBGRAPHS, type OwnerSubgraph } from "../gateway/subgraphs";
import { subgraphAnswerBytesLimit, type RemoteSubgraphs } from "../gateway/remote-subgraphs";
import { loadDemoData } from "../gateway/demo-data";
import { openOrExplain, reservePort, StartupError } from "../gateway/startup";
import type { ServiceOptions, Services } from "../gateway/services";
import { reportListening, superviseWorkers, workersOf } from "./workers";
import { BeneficiaryEntity } from "../beneficiary/beneficiary.entity";
import { Principal } from "../access/principal";
import { JobRunner } from "../jobs/job-runner";

/** Loads the demo data set where it belongs; returns the demo ADMIN key, or null. */
async function demo(services: Services, config: GatewayConfig, asked: boolean, logger: Logger): Promise<string | null> {
  const empty = (await services.dataSource.getRepository(BeneficiaryEntity).count()) === 0;
  if (!asked && !(config.embeddedDatabase && empty)) return null;
  const settled = await loadDemoData(services, logger);
  await services.apiKeys.revokeByName("demo", "system");
  logger.info({ settled }, "demo data loaded");
  return (await services.apiKeys.create({ role: "ADMIN", jurisdictions: [], name: "demo" }, Principal.system(), services.packs.jurisdictions())).key;
}

function stopOnSignals(services: Services, gateway: RunningGateway, config: GatewayConfig, logger: Logger, runner: JobRunner | null): void {
  let stopping = false;
  const stop = async (drainSeconds: number) => {
    if (stopping) return;
    stopping = true;
    gateway.drain();
    logger.info({ drainSeconds }, "shutting down: not ready any more, serving until the drain period ends");
    await new Promise((resolve) => setTimeout(resolve, drainSeconds * 1000));
    // A chunk in hand stops at its next household; its lease lets another instance finish it.
    await runner?.stop();
    services.packs.stopWatching();
    await services.webhooks.stop();
    await services.charityEvents.stop();
    await gateway.stop();
    await services.dataSource.destroy();
    logger.info("stopped");
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop(config.shutdownDrainSeconds));
  process.on("SIGINT", () => void stop(0));
}

/** What this process serves: everything, one owner's subgraph, or the gateway alone. */
type Role = { kind: "all" } | { kind: "subgraph"; name: OwnerSubgraph; secret: string } | { kind: "gateway"; remote: RemoteSubgraphs };

function roleOf(argv: string[], config: GatewayConfig): Role {
  const subgraphAt = argv.indexOf("--subgraph");
  const gateway = argv.includes("--gateway");
  if (subgraphAt >= 0 && gateway) throw new ConfigError(["--subgraph and --gateway: choose one"]);
  if (subgraphAt >= 0) {
    const name = argv[subgraphAt + 1];
    if (!OWNER_SUBGRAPHS.includes(name as OwnerSubgraph)) throw new ConfigError([`--subgraph: one of ${OWNER_SUBGRAPHS.join(", ")} (got ${name ?? "nothing"})`]);
    if (!config.subgraphSecret) throw new ConfigError(["SUBGRAPH_SECRET: required with --subgraph (the gateway signs every request with it)"]);
    return { kind: "subgraph", name: name as OwnerSubgraph, secret: config.subgraphSecret };
  }
  if (gateway) {
    const problems: string[] = [];
    if (!config.subgraphSecret) problems.push("SUBGRAPH_SECRET: required with --gateway");
    for (const [name] of config.subgraphUrls) if (!OWNER_SUBGRAPHS.includes(name as OwnerSubgraph)) problems.push(`SUBGRAPHS: ${name} is not one of ${OWNER_SUBGRAPHS.join(", ")}`);
    for (const name of OWNER_SUBGRAPHS) if (!config.subgraphUrls.some(([given]) => given === name)) problems.push(`SUBGRAPHS: no URL for ${name}`);
    if (problems.length > 0) throw new ConfigError(problems);
    return { kind: "gateway", remote: { urls: new Map(config.subgraphUrls as Array<[OwnerSubgraph, string]>), secret: config.subgraphSecret!, timeoutMillis: config.subgraphTimeoutMillis, maxAnswerBytes: subgraphAnswerBytesLimit(config.maxResultNodes) } };
  }
  return { kind: "all" };
}

function serviceOptions(config: GatewayConfig): ServiceOptions {
  return {
    scenariosDir: config.scenariosDir,
    webhookAllowedTargets: config.webhookAllowedTargets,
    webhookMaxPerKey: config.webhookMaxPerKey,
    webhookInFlightPerKey: config.webhookInFlightPerKey,
    apiKeyCacheSeconds: config.apiKeyCacheSeconds,
    billLimits: config.billLimits,
    beneficiarySource: config.beneficiarySource,
    jobs: config.jobs,
    remoteCharity:
      config.charityEventsUrl && config.charityAllocationsUrl && config.subgraphSecret
        ? { eventsUrl: config.charityEventsUrl, allocationsUrl: config.charityAllocationsUrl, secret: config.subgraphSecret }
        : null,
  };
}

function open(config: GatewayConfig, logger: Logger, preparation: Preparation): Promise<Services> {
  return openOrExplain(config.database, () => openServices(config.database, logger, undefined, serviceOptions(config), preparation));
}

/** Starts what this process serves, with its background work; returns the server and the lines that announce it. */
async function serve(role: Role, services: Services, config: GatewayConfig, logger: Logger, listening?: http.Server): Promise<{ server: RunningGateway; banner: string[]; runner: JobRunner | null }> {
  services.packs.startWatching(config.packRefreshSeconds, (error) => logger.error({ err: error }, "rule pack refresh failed"));
  // Catches up on settlement events a kick missed (another instance's commit, a charity that was down).
  services.charityEvents.start(logger);
  if (role.kind === "subgraph") {
    services.webhooks.start(logger);
    // The charity process takes the settlements' events and answers what it allocated.
    const routes = role.name === "charity" ? [charityForSettlementsRouter(services.charity, role.secret, logger)] : [];
    const server = await startSubgraphServer(role.name, services, config, role.secret, logger, routes, listening);
    logger.info({ url: server.url, subgraph: role.name, database: config.database.kind }, "subgraph listening");
    // Jobs work on settlements' tables: the settlements subgraph runs them.
    const runner = role.name === "settlements" ? startJobRunner(services, config, logger) : null;
    return { server, banner: [`\nSubgraph ${role.name}: ${server.url}/graphql (health at ${server.url}/healthz)`], runner };
  }
  if (role.kind === "all") services.webhooks.start(logger);
  const gateway = await startGateway(services, config, logger, listening, role.kind === "gateway" ? role.remote : undefined);
  logger.info({ url: gateway.url, database: config.database.kind, subgraphs: role.kind === "gateway" ? Object.fromEntries(role.remote.urls) : "in this process" }, "gateway listening");
  const runner = role.kind === "all" ? startJobRunner(services, config, logger) : null;
  return { server: gateway, banner: [`\nGateway: ${gateway.url}/  (GraphQL at ${gateway.url}/graphql, health at ${gateway.url}/healthz)`], runner };
}

/** Runs jurisdiction-wide jobs' chunks in this process, beside any other instance's runner. */
function startJobRunner(services: Services, config: GatewayConfig, logger: Logger): JobRunner {
  const runner = new JobRunner(services.jobs, config.jobs, logger);
  runner.start();
  return runner;
}

/** What follows the banner: the demo key, and how to stop (a subgraph says neither). */
function closingLines(role: Role, demoKey: string | null): string[] {
  if (role.kind === "subgraph") return [];
  return [...(demoKey ? [`Demo ADMIN key (shown once): ${demoKey}`] : []), "Press Ctrl-C to stop."];
}

const print = (lines: string[]) => void process.stdout.write(lines.map((line) => `${line}\n`).join(""));

/** One process serving, as without --workers. */
async function runAlone(role: Role, config: GatewayConfig, logger: Logger, argv: string[]): Promise<void> {
  const listening = await reservePort(config);
  const services = await open(config, logger, "prepare");
  const demoKey = role.kind === "all" ? await demo(services, config, argv.includes("--demo"), logger) : null;
  const { server, banner, runner } = await serve(role, services, config, logger, listening);
  print([...banner, ...closingLines(role, demoKey)]);
  stopOnSignals(services, server, config, logger, runner);
}

/** The cluster's primary: prepares the database once, then forks and watches the workers. */
async function runPrimary(workers: number, role: Role, config: GatewayConfig, logger: Logger, argv: string[]): Promise<void> {
  // The port is checked before anything is written, as with one process; the workers bind it.
  const probe = await reservePort(config);
  const services = await open(config, logger, "prepare");
  const demoKey = role.kind === "all" ? await demo(services, config, argv.includes("--demo"), logger) : null;
  await services.dataSource.destroy();
  await new Promise((resolve) => probe.close(resolve));
  superviseWorkers(workers, logger, (banner) => print([...banner, `Workers: ${workers} processes share the port`, ...closingLines(role, demoKey)]));
}

/**
 * A cluster worker: the database is ready (the primary prepared it). It binds the port only once it
 * can serve, so that the primary never hands a connection to a worker still starting.
 */
async function runWorker(role: Role, config: GatewayConfig, logger: Logger): Promise<void> {
  const services = await open(config, logger, "prepared");
  const { server, banner, runner } = await serve(role, services, config, logger);
  reportListening(banner);
  stopOnSignals(services, server, config, logger, runner);
}

async function main(argv: string[]): Promise<void> {
  const config = readConfig();
  const role = roleOf(argv, config);
  const workers = workersOf(argv, config.database);
  const logger = createLogger(config.logLevel);
  if (cluster.isWorker) return runWorker(role, config, logger);
  if (workers !== null) return runPrimary(workers, role, config, logger, argv);
  return runAlone(role, config, logger, argv);
}

main(process.argv.slice(2)).catch((error) => {
  if (error instanceof ConfigError || error instanceof StartupError) process.stderr.write(`${error.message}\n`);
  else process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
