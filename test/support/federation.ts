/**
 * The federation spread out as an operator runs it: each owner's subgraph a process of its own
 * (`npm start -- --subgraph NAME`, its own database), and the gateway a fourth process
 * (`npm start -- --gateway`) with its own database for the API keys.
 */
import type { ChildProcess } from "node:child_process";
import type { DatabaseConfig } from "../../src/lib/config";
import type { TestDatabase } from "./databases";
import { distScript, runToEnd, startUntil, stop } from "./processes";

export const SUBGRAPH_SECRET = "a-test-secret-shared-by-gateway-and-subgraphs";

export interface RunningProcess {
  child: ChildProcess;
  url: string;
  databaseUrl: string;
}

export function databaseUrlOf(config: DatabaseConfig): string {
  return config.kind === "sqlite" ? `sqlite:${config.location}` : config.location;
}

/** Starts `npm start -- --subgraph NAME` on its own database; resolves with its GraphQL URL. */
export async function startSubgraph(name: string, databaseUrl: string, env: Record<string, string> = {}, port = "0"): Promise<RunningProcess> {
  const started = await startUntil(distScript("start"), ["--subgraph", name], { DATABASE_URL: databaseUrl, PORT: port, SUBGRAPH_SECRET, LOG_LEVEL: "warn", ...env }, new RegExp(`Subgraph ${name}: (http://\\S+/graphql)`));
  const url = new RegExp(`Subgraph ${name}: (http://\\S+/graphql)`).exec(started.output())![1];
  return { child: started.child, url, databaseUrl };
}

/** Starts `npm start -- --gateway` composing the subgraphs; resolves with its base URL. */
export async function startFederatedGateway(databaseUrl: string, subgraphs: Record<string, string>, env: Record<string, string> = {}): Promise<RunningProcess> {
  const started = await startUntil(
    distScript("start"),
    ["--gateway"],
    { DATABASE_URL: databaseUrl, PORT: "0", SUBGRAPH_SECRET, SUBGRAPHS: Object.entries(subgraphs).map(([name, url]) => `${name}=${url}`).join(","), LOG_LEVEL: "warn", RATE_LIMIT_PER_KEY_PER_MINUTE: "0", RATE_LIMIT_PER_ADDRESS_PER_MINUTE: "0", ...env },
    /Gateway: (http:\/\/\S+)\//,
  );
  const url = /Gateway: (http:\/\/\S+)\//.exec(started.output())![1];
  return { child: started.child, url, databaseUrl };
}

/** Creates an API key with the built command against a database; returns the key. */
export async function createKey(databaseUrl: string, ...args: string[]): Promise<string> {
  const created = await runToEnd(distScript("apikey"), ["create", ...args], { DATABASE_URL: databaseUrl, LOG_LEVEL: "warn" });
  if (created.code !== 0) throw new Error(`apikey create failed: ${created.stderr}`);
  return created.stdout.trim().split("\n").pop()!;
}

/** Creates four empty databases of the kind of `kind` (fresh ones each time). */
export async function databasesFor(make: () => TestDatabase, count: number): Promise<Array<{ database: TestDatabase; url: string }>> {
  const made: Array<{ database: TestDatabase; url: string }> = [];
  for (let i = 0; i < count; i++) {
    const database = make();
    made.push({ database, url: databaseUrlOf(await database.create()) });
  }
  return made;
}

export { stop };
