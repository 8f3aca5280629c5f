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
 */
import "reflect-metadata";
import { ConfigError, readConfig, type GatewayConfig } from "../lib/config";
import { createLogger, type Logger } from "../lib/logger";
import { openServices } from "../gateway/bootstrap";
import { startGateway, type RunningGateway } from "../gateway/server";
import { startSubgraphServer } from "../gateway/subgraph-server";
import { charityForSettlementsRouter } from "../charity/settlement-intake";
import { OWNER_SUBGRAPHS, type OwnerSubgraph } from "../gateway/subgraphs";
import { subgraphAnswerBytesLimit, type RemoteSubgraphs } from "../gateway/remote-subgraphs";
import { loadDemoData } from "../gateway/demo-data";
import { openOrExplain, reservePort, StartupError } from "../gateway/startup";
import type { Services } from "../gateway/services";
import { BeneficiaryEntity } from "../beneficiary/beneficiary.entity";
import { Principal } from "../access/principal";

/** Loads the demo data set where it belongs; returns the demo ADMIN key, or null. */
async function demo(services: Services, config: GatewayConfig, asked: boolean, logger: Logger): Promise<string | null> {
  const empty = (await services.dataSource.getRepository(BeneficiaryEntity).count()) === 0;
  if (!asked && !(config.embeddedDatabase && empty)) return null;
  const settled = await loadDemoData(services, logger);
  await services.apiKeys.revokeByName("demo", "system");
  logger.info({ settled }, "demo data loaded");
  return (await services.apiKeys.create({ role: "ADMIN", jurisdictions: [], name: "demo" }, Principal.system(), services.packs.jurisdictions())).key;
}

function stopOnSignals(services: Services, gateway: RunningGateway, config: GatewayConfig, logger: Logger): void {
  let stopping = false;
  const stop = async (drainSeconds: number) => {
    if (stopping) return;
    stopping = true;
    gateway.drain();
    logger.info({ drainSeconds }, "shutting down: not ready any more, serving until the drain period ends");
    await new Promise((resolve) => setTimeout(resolve, drainSeconds * 1000));
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

async function main(argv: string[]): Promise<void> {
  const config = readConfig();
  const role = roleOf(argv, config);
  const logger = createLogger(config.logLevel);
  const listening = await reservePort(config);
  const services = await openOrExplain(config.database, () => openServices(config.database, logger, undefined, {
      scenariosDir: config.scenariosDir,
      webhookAllowedTargets: config.webhookAllowedTargets,
      webhookMaxPerKey: config.webhookMaxPerKey,
      webhookInFlightPerKey: config.webhookInFlightPerKey,
      apiKeyCacheSeconds: config.apiKeyCacheSeconds,
      billLimits: config.billLimits,
      beneficiarySource: config.beneficiarySource,
      remoteCharity:
        config.charityEventsUrl && config.charityAllocationsUrl && config.subgraphSecret
          ? { eventsUrl: config.charityEventsUrl, allocationsUrl: config.charityAllocationsUrl, secret: config.subgraphSecret }
          : null,
    }),
  );
  services.packs.startWatching(config.packRefreshSeconds, (error) => logger.error({ err: error }, "rule pack refresh failed"));
  // Catches up on settlement events a kick missed (another instance's commit, a charity that was down).
  services.charityEvents.start(logger);
  if (role.kind === "subgraph") {
    services.webhooks.start(logger);
    // The charity process takes the settlements' events and answers what it allocated.
    const routes = role.name === "charity" ? [charityForSettlementsRouter(services.charity, role.secret, logger)] : [];
    const server = await startSubgraphServer(role.name, services, config, role.secret, logger, routes, listening);
    logger.info({ url: server.url, subgraph: role.name, database: config.database.kind }, "subgraph listening");
    process.stdout.write(`\nSubgraph ${role.name}: ${server.url}/graphql (health at ${server.url}/healthz)\n`);
    stopOnSignals(services, server, config, logger);
    return;
  }
  const demoKey = role.kind === "all" ? await demo(services, config, argv.includes("--demo"), logger) : null;
  if (role.kind === "all") services.webhooks.start(logger);
  const gateway = await startGateway(services, config, logger, listening, role.kind === "gateway" ? role.remote : undefined);
  logger.info({ url: gateway.url, database: config.database.kind, subgraphs: role.kind === "gateway" ? Object.fromEntries(role.remote.urls) : "in this process" }, "gateway listening");
  process.stdout.write(`\nGateway: ${gateway.url}/  (GraphQL at ${gateway.url}/graphql, health at ${gateway.url}/healthz)\n`);
  if (demoKey) process.stdout.write(`Demo ADMIN key (shown once): ${demoKey}\n`);
  process.stdout.write("Press Ctrl-C to stop.\n");
  stopOnSignals(services, gateway, config, logger);
}

main(process.argv.slice(2)).catch((error) => {
  if (error instanceof ConfigError || error instanceof StartupError) process.stderr.write(`${error.message}\n`);
  else process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
