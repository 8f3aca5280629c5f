/**
 * The TypeORM DataSource of the gateway, configured from the environment (DATABASE_URL): SQLite in
 * ./data/gateway.sqlite by default, MySQL/MariaDB in production. The schema is built by the reviewed
 * migrations in migrations/, never by `synchronize`.
 */
import "reflect-metadata";
import { readConfig } from "./src/lib/config";
import { createDataSource } from "./src/lib/db";
import { ENTITIES, MIGRATIONS } from "./src/gateway/schema-parts";

export const AppDataSource = createDataSource(readConfig().database, { entities: ENTITIES, migrations: MIGRATIONS });
export default AppDataSource;
