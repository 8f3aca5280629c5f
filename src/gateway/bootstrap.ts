/**
 * Opening a gateway's parts: the database (migrations run), the services, the rule packs (seeded
 * from rules-json/ on first start, then read from the database).
 */
import type { DataSource } from "typeorm";
import { createDataSource } from "../lib/db";
import { ensureUtf8mb4 } from "../lib/mysql-charset";
import type { DatabaseConfig } from "../lib/config";
import type { Logger } from "../lib/logger";
import { ENTITIES, MIGRATIONS } from "./schema-parts";
import { createServices, type ServiceOptions, type Services } from "./services";

/** Opens the database without changing it (the migrate command's status). */
export async function connectDatabase(config: DatabaseConfig, onQuery?: (sql: string) => void): Promise<DataSource> {
  const dataSource = createDataSource(config, { entities: ENTITIES, migrations: MIGRATIONS, onQuery });
  return dataSource.initialize();
}

/** Applies the pending migrations (utf8mb4 made sure of first on MySQL); returns their names. */
export async function migrateUp(dataSource: DataSource): Promise<string[]> {
  await ensureUtf8mb4(dataSource);
  return (await dataSource.runMigrations({ transaction: "each" })).map((migration) => migration.name);
}

/** Runs `work` on an open database; if it fails the database is closed (no pool left open). */
async function closedOnFailure<T>(dataSource: DataSource, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    await dataSource.destroy().catch(() => undefined);
    throw error;
  }
}

/** Opens the database and brings its schema up to date with the reviewed migrations. */
export async function openDatabase(config: DatabaseConfig, onQuery?: (sql: string) => void): Promise<DataSource> {
  const dataSource = await connectDatabase(config, onQuery);
  await closedOnFailure(dataSource, () => migrateUp(dataSource));
  return dataSource;
}

/**
 * Who brings the database up to date: `prepare` (the default) runs the migrations, seeds the rule
 * packs from rules-json/ and the upgrade backfills; `prepared` only connects and reads the packs, for
 * a worker process whose primary prepared the database before forking it.
 */
export type Preparation = "prepare" | "prepared";

/** Opens the database, builds the services and loads the rule packs. */
export async function openServices(config: DatabaseConfig, logger: Logger, onQuery?: (sql: string) => void, options: ServiceOptions = {}, preparation: Preparation = "prepare"): Promise<Services> {
  const dataSource = preparation === "prepare" ? await openDatabase(config, onQuery) : await connectDatabase(config, onQuery);
  return closedOnFailure(dataSource, async () => {
    const services = createServices(dataSource, options);
    if (preparation === "prepared") {
      await services.packs.refresh();
      return services;
    }
    for (const problem of await services.packs.seedFromFiles()) logger.error({ problem }, "rule pack file refused");
    await services.packs.refresh();
    logger.info({ packs: services.packs.jurisdictions() }, "rule packs loaded");
    // After the packs: an event names its rules in its pack version's words.
    const backfilled = await services.backfillCharityEvents();
    if (backfilled !== null) logger.info({ events: backfilled }, "settlement events published for the charity's record (upgrade backfill)");
    return services;
  });
}
