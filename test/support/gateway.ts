/**
 * A real gateway for tests: the database migrated, the packs loaded, the HTTP server listening on a
 * free port, and one key of each role.
 */
import { openServices } from "../../src/gateway/bootstrap";
import { startGateway, type RunningGateway } from "../../src/gateway/server";
import { createLogger, type Logger } from "../../src/lib/logger";
import type { Services } from "../../src/gateway/services";
import type { TestDatabase } from "./databases";

export interface TestGateway {
  url: string;
  /** The database, as a DATABASE_URL for another process. */
  databaseUrl: string;
  services: Services;
  gateway: RunningGateway;
  keys: { admin: string; partner: string; otherPartner: string; charity: string };
  stop(): Promise<void>;
}

export async function startTestGateway(
  database: TestDatabase,
  options: { maxQueryDepth?: number; maxQueryCost?: number; onQuery?: (sql: string) => void; scenariosDir?: string; webhooks?: boolean; logger?: Logger; metricsToken?: string } = {},
): Promise<TestGateway> {
  const config = await database.create();
  const logger = options.logger ?? createLogger("silent");
  const services = await openServices(config, logger, options.onQuery, { scenariosDir: options.scenariosDir, webhookRetryBaseMillis: 100 });
  if (options.webhooks) services.webhooks.start(logger, 50);
  const gateway = await startGateway(services, { port: 0, host: "127.0.0.1", maxQueryDepth: options.maxQueryDepth ?? 8, maxQueryCost: options.maxQueryCost ?? 50_000, metricsToken: options.metricsToken }, logger);
  const known = services.packs.jurisdictions();
  const key = async (role: string, jurisdictions: string[], name: string) => (await services.apiKeys.create({ role, jurisdictions, name }, "test", known)).key;
  const keys = {
    admin: await key("ADMIN", [], "test admin"),
    partner: await key("PARTNER", ["liaocheng", "yueqing"], "test partner"),
    otherPartner: await key("PARTNER", ["weihai"], "test weihai partner"),
    charity: await key("CHARITY", [], "test charity"),
  };
  return {
    url: gateway.url,
    databaseUrl: config.kind === "sqlite" ? `sqlite:${config.location}` : config.location,
    services,
    gateway,
    keys,
    async stop() {
      services.packs.stopWatching();
      services.webhooks.stop();
      await gateway.stop();
      await services.dataSource.destroy();
      await database.drop();
    },
  };
}

export interface GraphQLResult<T = Record<string, any>> {
  status: number;
  data: T | null;
  errors: Array<{ message: string; extensions?: Record<string, any> }> | undefined;
}

/** Posts a GraphQL operation with a key (or none). */
export async function gql<T = Record<string, any>>(url: string, key: string | null, query: string, variables: Record<string, unknown> = {}): Promise<GraphQLResult<T>> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (key) headers.authorization = `Bearer ${key}`;
  const response = await fetch(`${url}/graphql`, { method: "POST", headers, body: JSON.stringify({ query, variables }) });
  const body = (await response.json()) as { data?: T; errors?: GraphQLResult["errors"] };
  return { status: response.status, data: body.data ?? null, errors: body.errors };
}
