/**
 * A real gateway for tests: the database migrated, the packs loaded, the HTTP server listening on a
 * free port, and one key of each role.
 */
import { openServices } from "../../src/gateway/bootstrap";
import { startGateway, type RunningGateway } from "../../src/gateway/server";
import { createLogger, type Logger } from "../../src/lib/logger";
import { readConfig } from "../../src/lib/config";
import type { QueryLimits } from "../../src/gateway/query-limits";
import type { Services } from "../../src/gateway/services";
import { parseAllowedTargets } from "../../src/webhooks/webhook-targets";
import type { TestDatabase } from "./databases";
import { Principal } from "../../src/access/principal";
import type { RateLimits } from "../../src/lib/config";

/** Tests drive the gateway harder than a partner would; the rate-limit tests set their own limits. */
const NO_RATE_LIMITS: RateLimits = { perKeyPerMinute: 0, perAddressPerMinute: 0, authFailuresPerAddressPerMinute: 0 };
import type { BillLimits } from "../../src/lib/config";

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
  options: {
    maxQueryDepth?: number;
    maxQueryCost?: number;
    limits?: Partial<QueryLimits>;
    onQuery?: (sql: string) => void;
    scenariosDir?: string;
    webhooks?: boolean;
    /** WEBHOOK_ALLOWED_TARGETS, e.g. the loopback receivers' 127.0.0.1 */
    webhookAllowedTargets?: string;
    webhookMaxPerKey?: number;
    webhookTimeoutMillis?: number;
    rateLimits?: RateLimits;
    trustProxyHops?: number;
    billLimits?: BillLimits;
    logger?: Logger;
    metricsToken?: string;
    /** Households per job chunk (JOB_CHUNK_HOUSEHOLDS). */
    jobChunkHouseholds?: number;
  } = {},
): Promise<TestGateway> {
  const config = await database.create();
  const logger = options.logger ?? createLogger("silent");
  const services = await openServices(config, logger, options.onQuery, {
    scenariosDir: options.scenariosDir,
    webhookRetryBaseMillis: 100,
    webhookAllowedTargets: parseAllowedTargets(options.webhookAllowedTargets ?? "").targets,
    webhookMaxPerKey: options.webhookMaxPerKey,
    webhookTimeoutMillis: options.webhookTimeoutMillis,
    billLimits: options.billLimits,
    charityRetryBaseMillis: 50,
    jobs: options.jobChunkHouseholds ? { chunkHouseholds: options.jobChunkHouseholds } : undefined,
  });
  if (options.webhooks) services.webhooks.start(logger, 50);
  const defaults = readConfig({});
  const gateway = await startGateway(
    services,
    {
      ...defaults,
      port: 0,
      host: "127.0.0.1",
      maxQueryDepth: options.maxQueryDepth ?? defaults.maxQueryDepth,
      maxQueryCost: options.maxQueryCost ?? defaults.maxQueryCost,
      ...options.limits,
      rateLimits: options.rateLimits ?? NO_RATE_LIMITS,
      trustProxyHops: options.trustProxyHops ?? 0,
      metricsToken: options.metricsToken,
      billLimits: options.billLimits ?? defaults.billLimits,
    },
    logger,
  );
  const known = services.packs.jurisdictions();
  const key = async (role: string, jurisdictions: string[], name: string) => (await services.apiKeys.create({ role, jurisdictions, name }, Principal.system("test"), known)).key;
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
      await services.webhooks.stop();
      await services.charityEvents.stop();
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
