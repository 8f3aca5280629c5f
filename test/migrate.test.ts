/**
 * `npm run migrate -- status|up|down` (its built script) on SQLite and (with TEST_MYSQL_URL)
 * MariaDB; and on a MariaDB database created latin1, migrations leave every table utf8mb4 and
 * Chinese text round-trips.
 */
import { randomBytes } from "node:crypto";
import { Principal } from "../src/access/principal";
import { openDatabase, openServices } from "../src/gateway/bootstrap";
import { MIGRATIONS } from "../src/gateway/schema-parts";
import { createLogger } from "../src/lib/logger";
import type { DatabaseConfig } from "../src/lib/config";
import { testDatabases } from "./support/databases";
import { distScript, runToEnd } from "./support/processes";

const NAMES = MIGRATIONS.map((migration) => migration.name);

describe.each(testDatabases().map((db) => [db.name, db] as const))("the migrate command on %s", (_name, database) => {
  let env: Record<string, string>;
  beforeAll(async () => {
    const config = await database.create();
    env = { DATABASE_URL: config.kind === "sqlite" ? `sqlite:${config.location}` : config.location, LOG_LEVEL: "warn" };
  });
  afterAll(() => database.drop());

  const migrate = async (...args: string[]) => {
    const result = await runToEnd(distScript("migrate"), args, env);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    return result.stdout.trim().split("\n");
  };

  it("lists, applies and takes back migrations", async () => {
    expect(await migrate("status")).toEqual(NAMES.map((name) => `pending  ${name}`));
    expect(await migrate("up")).toEqual(NAMES.map((name) => `applied  ${name}`));
    expect(await migrate("status")).toEqual(NAMES.map((name) => `applied  ${name}`));
    expect(await migrate("up")).toEqual(["nothing to apply: the schema is up to date"]);
    const last = NAMES[NAMES.length - 1];
    expect(await migrate("down")).toEqual([`reverted  ${last}`]);
    expect(await migrate("status")).toEqual([...NAMES.slice(0, -1).map((name) => `applied  ${name}`), `pending  ${last}`]);
    expect(await migrate("up")).toEqual([`applied  ${last}`]);
  }, 120_000);

  it("refuses anything else with its usage", async () => {
    const result = await runToEnd(distScript("migrate"), ["sideways"], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe("usage: npm run --silent migrate -- status|up|down\n");
  });
});

const mysqlUrl = process.env.TEST_MYSQL_URL;
(mysqlUrl ? describe : describe.skip)("a MariaDB database created latin1", () => {
  const name = `t_latin1_${randomBytes(4).toString("hex")}`;
  const admin = async <T>(work: (connection: import("mysql2/promise").Connection) => Promise<T>): Promise<T> => {
    const mysql2 = await import("mysql2/promise");
    const connection = await mysql2.createConnection(mysqlUrl!);
    try {
      return await work(connection);
    } finally {
      await connection.end();
    }
  };
  let config: DatabaseConfig;
  beforeAll(async () => {
    await admin((c) => c.query(`CREATE DATABASE \`${name}\` CHARACTER SET latin1 COLLATE latin1_swedish_ci`));
    const url = new URL(mysqlUrl!);
    url.pathname = `/${name}`;
    config = { kind: "mysql", location: url.toString() };
  });
  afterAll(() => admin((c) => c.query(`DROP DATABASE IF EXISTS \`${name}\``)));

  const collations = () =>
    admin(async (c) => {
      const [rows] = await c.query("SELECT TABLE_NAME AS name, TABLE_COLLATION AS collation FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?", [name]);
      return new Set((rows as Array<{ collation: string }>).map((row) => row.collation));
    });

  it("gets utf8mb4 tables, the packs seeded, and Chinese text back as written", async () => {
    const services = await openServices(config, createLogger("silent"));
    try {
      expect(await collations()).toEqual(new Set(["utf8mb4_unicode_ci"]));
      expect(services.packs.jurisdictions().length).toBeGreaterThan(0);
      await services.beneficiaries.upsert(Principal.system("test"), { id: "CS-1", jurisdiction: "yueqing", name: "张三丰 𠀋", township: "柳市镇", identities: [] });
      const [row] = await services.dataSource.query("SELECT name, township FROM beneficiaries WHERE id = 'yueqing:CS-1'");
      expect(row).toEqual({ name: "张三丰 𠀋", township: "柳市镇" });
    } finally {
      await services.dataSource.destroy();
    }
  }, 120_000);

  it("converts a table left latin1 by an earlier failed start", async () => {
    await admin((c) => c.query(`ALTER TABLE \`${name}\`.risk_alerts CONVERT TO CHARACTER SET latin1 COLLATE latin1_swedish_ci`));
    expect(await collations()).toContain("latin1_swedish_ci");
    const dataSource = await openDatabase(config);
    await dataSource.destroy();
    expect(await collations()).toEqual(new Set(["utf8mb4_unicode_ci"]));
  }, 120_000);
});
