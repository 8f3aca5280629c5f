/**
 * `npm run --silent migrate -- status|up|down` against DATABASE_URL, with the gateway's own
 * DataSource (its entities and reviewed migrations). `npm start` applies pending migrations too;
 * this is for applying them before a roll-out, looking, or taking the last one back.
 *
 *   status  every migration, `applied` or `pending`, oldest first; exit 0
 *   up      applies the pending ones, one line each
 *   down    reverts the most recently applied one
 */
import "reflect-metadata";
import { MigrationExecutor, type DataSource } from "typeorm";
import { ConfigError, readConfig } from "../lib/config";
import { connectDatabase, migrateUp } from "../gateway/bootstrap";
import { openOrExplain, StartupError } from "../gateway/startup";

const USAGE = "usage: npm run --silent migrate -- status|up|down";

async function status(dataSource: DataSource): Promise<void> {
  const applied = new Set((await new MigrationExecutor(dataSource).getExecutedMigrations()).map((migration) => migration.name));
  for (const migration of dataSource.migrations) {
    const name = migration.name ?? migration.constructor.name;
    process.stdout.write(`${applied.has(name) ? "applied" : "pending"}  ${name}\n`);
  }
}

async function up(dataSource: DataSource): Promise<void> {
  const names = await migrateUp(dataSource);
  for (const name of names) process.stdout.write(`applied  ${name}\n`);
  if (names.length === 0) process.stdout.write("nothing to apply: the schema is up to date\n");
}

async function down(dataSource: DataSource): Promise<void> {
  const executed = await new MigrationExecutor(dataSource).getExecutedMigrations();
  const last = executed.sort((a, b) => b.timestamp - a.timestamp)[0];
  if (!last) {
    process.stdout.write("nothing to revert: no migration is applied\n");
    return;
  }
  await dataSource.undoLastMigration({ transaction: "each" });
  process.stdout.write(`reverted  ${last.name}\n`);
}

const COMMANDS: Record<string, (dataSource: DataSource) => Promise<void>> = { status, up, down };

async function main(argv: string[]): Promise<number> {
  const command = argv.length === 1 && Object.hasOwn(COMMANDS, argv[0]) ? COMMANDS[argv[0]] : undefined;
  if (!command) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const { database } = readConfig();
  const dataSource = await openOrExplain(database, () => connectDatabase(database));
  try {
    await command(dataSource);
    return 0;
  } finally {
    await dataSource.destroy();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    if (error instanceof ConfigError || error instanceof StartupError) process.stderr.write(`${error.message}\n`);
    else process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
