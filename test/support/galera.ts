/**
 * The three-node Galera cluster of test/galera/cluster.sh, for the multi-primary tests: its URLs
 * (TEST_GALERA_URLS, node 1 first), one database made on node 1 and reached through every node, and
 * the script's kill and rejoin of a node.
 */
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { randomBytes } from "node:crypto";
import type { DatabaseConfig } from "../../src/lib/config";
import { serverQuery, type TestDatabase } from "./databases";

export const CLUSTER_SCRIPT = path.join(__dirname, "..", "galera", "cluster.sh");

/** The nodes' mysql:// URLs, or null when TEST_GALERA_URLS is unset (the cluster tests skip). */
export function galeraUrls(): string[] | null {
  const urls = process.env.TEST_GALERA_URLS?.split(",").map((url) => url.trim()).filter(Boolean) ?? [];
  return urls.length > 0 ? urls : null;
}

function urlOf(node: string, database: string): string {
  const target = new URL(node);
  target.pathname = `/${database}`;
  return target.toString();
}

/**
 * One fresh database as seen through each node: the first `create` makes it on node 1 (DDL reaches
 * every node before it returns), the others only point at it; `drop` of node 1's removes it, the
 * others' do nothing — stop the gateways of the other nodes first.
 */
export function galeraDatabase(urls: string[]): TestDatabase[] {
  const name = `g_${randomBytes(5).toString("hex")}`;
  return urls.map((node, index) => ({
    name: `galera node ${index + 1}`,
    async create(): Promise<DatabaseConfig> {
      if (index === 0) await serverQuery(node, `CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
      return { kind: "mysql", location: urlOf(node, name) };
    },
    async drop(): Promise<void> {
      if (index === 0) await serverQuery(node, `DROP DATABASE IF EXISTS \`${name}\``);
    },
  }));
}

/** Runs test/galera/cluster.sh with these arguments (kill N, rejoin N, status); returns its output. */
export function cluster(...args: string[]): string {
  return execFileSync(CLUSTER_SCRIPT, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}
