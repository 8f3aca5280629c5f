/**
 * The databases the persistence tests run on: SQLite always, and MySQL/MariaDB when TEST_MYSQL_URL
 * is set (each test file gets a fresh database of its own there, dropped afterwards).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { randomBytes } from "node:crypto";
import type { DatabaseConfig } from "../../src/lib/config";

export interface TestDatabase {
  name: string;
  /** Creates an empty database and returns its configuration. */
  create(): Promise<DatabaseConfig>;
  /** Removes what `create` made. */
  drop(): Promise<void>;
}

function sqlite(): TestDatabase {
  let dir = "";
  return {
    name: "sqlite",
    async create() {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "medassist-"));
      return { kind: "sqlite", location: path.join(dir, "test.sqlite") };
    },
    async drop() {
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs one statement on a MySQL/MariaDB server, on a connection of its own. */
export async function serverQuery(url: string, sql: string): Promise<void> {
  const mysql2 = await import("mysql2/promise");
  const connection = await mysql2.createConnection(url);
  try {
    await connection.query(sql);
  } finally {
    await connection.end();
  }
}

function mysql(url: string): TestDatabase {
  const name = `t_${randomBytes(5).toString("hex")}`;
  const admin = (sql: string) => serverQuery(url, sql);
  return {
    name: "mariadb",
    async create() {
      await admin(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
      const target = new URL(url);
      target.pathname = `/${name}`;
      return { kind: "mysql", location: target.toString() };
    },
    async drop() {
      await admin(`DROP DATABASE IF EXISTS \`${name}\``);
    },
  };
}

/** SQLite, plus MariaDB when TEST_MYSQL_URL is set. */
export function testDatabases(): TestDatabase[] {
  const url = process.env.TEST_MYSQL_URL;
  return url ? [sqlite(), mysql(url)] : [sqlite()];
}
