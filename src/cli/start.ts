/**
 * `npm start`: starts the gateway on the configured database (SQLite under ./data by default).
 * With `--demo`, or on an empty database, a demo data set is loaded and a demo ADMIN key printed.
 */
import "reflect-metadata";
import { ConfigError, readConfig } from "../lib/config";
import { createLogger } from "../lib/logger";
import { openServices } from "../gateway/bootstrap";
import { startGateway } from "../gateway/server";
import { loadDemoData } from "../gateway/demo-data";
import { BeneficiaryEntity } from "../beneficiary/beneficiary.entity";

async function main(argv: string[]): Promise<void> {
  const config = readConfig();
  const logger = createLogger(config.logLevel);
  const services = await openServices(config.database, logger, undefined, { scenariosDir: config.scenariosDir, webhookAllowedTargets: config.webhookAllowedTargets, webhookMaxPerKey: config.webhookMaxPerKey, apiKeyCacheSeconds: config.apiKeyCacheSeconds, billLimits: config.billLimits });
  const empty = (await services.dataSource.getRepository(BeneficiaryEntity).count()) === 0;
  let demoKey: string | null = null;
  if (argv.includes("--demo") || empty) {
    const settled = await loadDemoData(services, logger);
    await services.apiKeys.revokeByName("demo", "system");
    demoKey = (await services.apiKeys.create({ role: "ADMIN", jurisdictions: [], name: "demo" }, "system", services.packs.jurisdictions())).key;
    logger.info({ settled }, "demo data loaded");
  }
  services.packs.startWatching(config.packRefreshSeconds, (error) => logger.error({ err: error }, "rule pack refresh failed"));
  services.webhooks.start(logger);
  const gateway = await startGateway(services, config, logger);
  logger.info({ url: gateway.url, database: config.database.kind }, "gateway listening");
  process.stdout.write(`\nGateway: ${gateway.url}/  (GraphQL at ${gateway.url}/graphql, health at ${gateway.url}/healthz)\n`);
  if (demoKey) process.stdout.write(`Demo ADMIN key (shown once): ${demoKey}\n`);
  process.stdout.write("Press Ctrl-C to stop.\n");

  const stop = async () => {
    services.packs.stopWatching();
    await services.webhooks.stop();
    await gateway.stop();
    await services.dataSource.destroy();
    process.exit(0);
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main(process.argv.slice(2)).catch((error) => {
  if (error instanceof ConfigError) process.stderr.write(`${error.message}\n`);
  else process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
