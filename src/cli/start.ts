/**
 * `npm start`: starts the gateway on the configured database (SQLite under ./data by default).
 * A demo data set and a demo ADMIN key are loaded only on the embedded default database (no
 * DATABASE_URL) when it is empty, or with `--demo`; elsewhere the first ADMIN key comes from
 * `npm run --silent apikey -- create --role ADMIN --name NAME`.
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

async function main(argv: string[]): Promise<void> {
  const config = readConfig();
  const logger = createLogger(config.logLevel);
  const listening = await reservePort(config);
  const services = await openOrExplain(config.database, () => openServices(config.database, logger, undefined, {
      scenariosDir: config.scenariosDir,
      webhookAllowedTargets: config.webhookAllowedTargets,
      webhookMaxPerKey: config.webhookMaxPerKey,
      webhookInFlightPerKey: config.webhookInFlightPerKey,
      apiKeyCacheSeconds: config.apiKeyCacheSeconds,
      billLimits: config.billLimits,
      remoteCharity:
        config.charityEventsUrl && config.charityAllocationsUrl && config.subgraphSecret
          ? { eventsUrl: config.charityEventsUrl, allocationsUrl: config.charityAllocationsUrl, secret: config.subgraphSecret }
          : null,
    }),
  );
  const demoKey = await demo(services, config, argv.includes("--demo"), logger);
  services.packs.startWatching(config.packRefreshSeconds, (error) => logger.error({ err: error }, "rule pack refresh failed"));
  services.webhooks.start(logger);
  // Catches up on settlement events a kick missed (another instance's commit, a charity that was down).
  services.charityEvents.start(logger);
  const gateway = await startGateway(services, config, logger, listening);
  logger.info({ url: gateway.url, database: config.database.kind }, "gateway listening");
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
