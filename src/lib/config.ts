/**
 * Configuration from the environment, read and checked once at start. Every bad variable is
 * reported together, so that an operator fixes them in one go.
 */
import { parseAllowedTargets, type AllowedTarget } from "../webhooks/webhook-targets";
import { formatAmount, Money, readAmount } from "./money";
import * as fs from "node:fs";
import { readPagesConfig, type PagesConfig } from "../pages/pages-config";

export interface DatabaseConfig {
  kind: "sqlite" | "mysql";
  /** For SQLite, the file path (or ":memory:"); for MySQL, the connection URL. */
  location: string;
}

/** Requests allowed per minute, per instance (0: no limit). */
export interface RateLimits {
  perKeyPerMinute: number;
  perAddressPerMinute: number;
  /** Requests without a valid key, per client address: brute force is stopped sooner than load. */
  authFailuresPerAddressPerMinute: number;
}

/** How long an instance trusts a verified API key without asking the database, by default. */
export const DEFAULT_API_KEY_CACHE_SECONDS = 2;

export interface JobRunnerConfig {
  chunkHouseholds: number;
  leaseSeconds: number;
  pollMillis: number;
}

export const DEFAULT_JOB_CONFIG: JobRunnerConfig = { chunkHouseholds: 50, leaseSeconds: 30, pollMillis: 1_000 };

export interface GatewayConfig {
  database: DatabaseConfig;
  /** No DATABASE_URL given: the embedded SQLite default, the only database that gets demo data unasked. */
  embeddedDatabase: boolean;
  port: number;
  host: string;
  logLevel: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
  /** The deepest query accepted. */
  maxQueryDepth: number;
  /** The highest query cost accepted (one per field, times the page size for lists). */
  maxQueryCost: number;
  /** The most tokens a query document may have (checked while parsing). */
  maxQueryTokens: number;
  /** The most aliases one operation may use. */
  maxQueryAliases: number;
  /** The most directives one operation may use. */
  maxQueryDirectives: number;
  /** The most fields one request may resolve (every field of every list item), whatever its estimated cost. */
  maxResultNodes: number;
  /** How often, in seconds, a gateway looks for rule pack versions activated by another instance. */
  packRefreshSeconds: number;
  /** Where the jurisdictions' scenarios are, which a new pack version must pass; null: the project's test/scenarios. */
  scenariosDir: string | null;
  /** Internal webhook targets allowed all the same (on-premise receivers, tests); public ones always are. */
  webhookAllowedTargets: AllowedTarget[];
  /** Active webhook subscriptions one key may have. */
  webhookMaxPerKey: number;
  /** Webhook deliveries in flight at once for one key, per instance: one partner's slow receivers cannot take every slot. */
  webhookInFlightPerKey: number;
  /** At most 5 s: a key revoked by another instance or the CLI is refused here within that time. */
  apiKeyCacheSeconds: number;
  rateLimits: RateLimits;
  /** Proxies in front of the gateway whose X-Forwarded-For is trusted for the client address (0: none). */
  trustProxyHops: number;
  billLimits: BillLimits;
  /** Who may read /metrics: callers with this bearer token; null: loopback callers only. */
  metricsToken: string | null;
  /** Jurisdiction-wide jobs: households per chunk, a chunk's lease (another instance takes it after), how often the runner looks for work. */
  jobs: JobRunnerConfig;
  /** After SIGTERM, how long /readyz fails while requests are still served, before the server closes. */
  shutdownDrainSeconds: number;
  /** The charity office's page and the 化解清单 links. */
  pages: PagesConfig;
  /** The secret the gateway signs callers with and the subgraphs check (SUBGRAPH_SECRET); null in one process. */
  subgraphSecret: string | null;
  /** The owners' subgraphs by name, for `--gateway` (SUBGRAPHS=beneficiaries=URL,settlements=URL,charity=URL). */
  subgraphUrls: ReadonlyArray<readonly [name: string, url: string]>;
  /** How long the gateway waits for one subgraph request. */
  subgraphTimeoutMillis: number;
  /**
   * Where settling reads people's certified records (BENEFICIARY_SOURCE): null for this process's
   * own beneficiaries; else the GraphQL URL of the subgraph that owns `Beneficiary`, asked with
   * the caller signed with SUBGRAPH_SECRET.
   */
  beneficiarySource: { url: string; secret: string } | null;
  /** The charity process's POST /events when it runs apart (CHARITY_EVENTS_URL); null: settlement events are applied in this process. */
  charityEventsUrl: string | null;
  /**
   * Below it, the charity process's GET /allocations/:household/:year when it runs apart
   * (CHARITY_ALLOCATIONS_URL, set together with CHARITY_EVENTS_URL); null: asked in this process.
   */
  charityAllocationsUrl: string | null;
}

/**
 * How large and how many bills the gateway takes. Together they keep every sum of a year (at most
 * maxBillsPerYear bills of at most maxBillTotal) inside DECIMAL(18,2), and bound the time of a
 * year's replay and of a what-if.
 */
export interface BillLimits {
  /** The largest total (and part, and reported tier) of one bill. */
  maxBillTotal: Money;
  /** The most bills one beneficiary may have in one natural year. */
  maxBillsPerYear: number;
  /** The most bills one what-if may quote. */
  maxBillsPerRequest: number;
}

/**
 * 10 million yuan: several times the costliest single treatments billed in China (CAR-T about
 * 1.2 million, months of intensive care a few million); 1,000 bills a year is about three a day.
 */
export const DEFAULT_BILL_LIMITS: BillLimits = { maxBillTotal: new Money("10000000.00"), maxBillsPerYear: 1000, maxBillsPerRequest: 500 };

/** The largest amount a DECIMAL(18,2) column holds. */
const LARGEST_STORED_AMOUNT = new Money("9999999999999999.99");

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`configuration is invalid:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** Reads a database URL: `sqlite:PATH` or `mysql://user:pass@host:port/db`. */
export function parseDatabaseUrl(url: string): DatabaseConfig | string {
  if (url.startsWith("sqlite:")) {
    const location = url.slice("sqlite:".length);
    return location ? { kind: "sqlite", location } : "DATABASE_URL: sqlite: needs a path, e.g. sqlite:./data/gateway.sqlite";
  }
  if (url.startsWith("mysql://") || url.startsWith("mariadb://")) {
    try {
      const parsed = new URL(url.replace(/^mariadb:/, "mysql:"));
      if (!parsed.hostname || parsed.pathname.length <= 1) return "DATABASE_URL: a MySQL URL needs a host and a database, e.g. mysql://user:pass@127.0.0.1:3306/medassist";
      return { kind: "mysql", location: parsed.toString() };
    } catch {
      return "DATABASE_URL: not a valid URL";
    }
  }
  return `DATABASE_URL: must start with sqlite: or mysql:// (got "${url}")`;
}

/** BENEFICIARY_SOURCE: `in-process` (or unset), or an http(s) URL with SUBGRAPH_SECRET to sign callers. */
function beneficiarySource(env: NodeJS.ProcessEnv, problems: string[]): GatewayConfig["beneficiarySource"] {
  const raw = env.BENEFICIARY_SOURCE ?? "";
  if (raw === "" || raw === "in-process") return null;
  const url = URL.canParse(raw) ? new URL(raw) : null;
  if (url?.protocol !== "http:" && url?.protocol !== "https:") {
    problems.push(`BENEFICIARY_SOURCE: in-process, or the http(s) URL of the GraphQL endpoint that owns Beneficiary (got "${raw}")`);
    return null;
  }
  // Its length is checked where it signs (access/principal-token), when the services are built.
  if (!env.SUBGRAPH_SECRET) problems.push("SUBGRAPH_SECRET: needed with a BENEFICIARY_SOURCE URL, to sign the caller for the registry");
  return { url: url.toString(), secret: env.SUBGRAPH_SECRET ?? "" };
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number, problems: string[]): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) {
    problems.push(`${name}: must be a whole number from ${min} to ${max} (got "${raw}")`);
    return fallback;
  }
  return value;
}

function billLimits(env: NodeJS.ProcessEnv, problems: string[]): BillLimits {
  let maxBillTotal = DEFAULT_BILL_LIMITS.maxBillTotal;
  if (env.MAX_BILL_TOTAL) {
    const amount = readAmount(env.MAX_BILL_TOTAL);
    if (typeof amount === "string" || amount.lessThanOrEqualTo(0)) problems.push(`MAX_BILL_TOTAL: must be a positive amount in yuan, e.g. 10000000.00 (got "${env.MAX_BILL_TOTAL}")`);
    else maxBillTotal = amount;
  }
  const limits: BillLimits = {
    maxBillTotal,
    maxBillsPerYear: integer(env, "MAX_BILLS_PER_YEAR", DEFAULT_BILL_LIMITS.maxBillsPerYear, 1, 100_000, problems),
    maxBillsPerRequest: integer(env, "MAX_BILLS_PER_REQUEST", DEFAULT_BILL_LIMITS.maxBillsPerRequest, 1, 10_000, problems),
  };
  if (limits.maxBillTotal.times(limits.maxBillsPerYear).greaterThan(LARGEST_STORED_AMOUNT)) {
    problems.push(`MAX_BILL_TOTAL × MAX_BILLS_PER_YEAR: must stay within ${formatAmount(LARGEST_STORED_AMOUNT)}, the largest amount a year's sums can be stored as`);
  }
  return limits;
}

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

/**
 * The process environment, with the variables of `./.env` (if there is one) added where the
 * environment does not set them: the environment wins over the file.
 */
export function environment(file = ".env"): NodeJS.ProcessEnv {
  if (fs.existsSync(file)) process.loadEnvFile(file);
  return process.env;
}

/** Reads the gateway's configuration; throws ConfigError listing every bad variable. */
export function readConfig(env: NodeJS.ProcessEnv = environment()): GatewayConfig {
  const problems: string[] = [];
  const database = parseDatabaseUrl(env.DATABASE_URL || "sqlite:./data/gateway.sqlite");
  if (typeof database === "string") problems.push(database);
  const logLevel = (env.LOG_LEVEL || "info") as GatewayConfig["logLevel"];
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`LOG_LEVEL: one of ${LOG_LEVELS.join(", ")} (got "${env.LOG_LEVEL}")`);
  const webhookTargets = parseAllowedTargets(env.WEBHOOK_ALLOWED_TARGETS ?? "");
  problems.push(...webhookTargets.problems.map((problem) => `WEBHOOK_ALLOWED_TARGETS: ${problem}`));
  const config: GatewayConfig = {
    database: typeof database === "string" ? { kind: "sqlite", location: "" } : database,
    embeddedDatabase: !env.DATABASE_URL,
    port: integer(env, "PORT", 4000, 0, 65535, problems),
    host: env.HOST || "127.0.0.1",
    logLevel,
    maxQueryDepth: integer(env, "MAX_QUERY_DEPTH", 8, 2, 50, problems),
    // 150,000: a household of MAX_BILLS_PER_YEAR bills with every settlement line and its figures (the NocoBase plugin's query) costs 119,002.
    maxQueryCost: integer(env, "MAX_QUERY_COST", 150_000, 10, 10_000_000, problems),
    maxQueryTokens: integer(env, "MAX_QUERY_TOKENS", 5_000, 100, 1_000_000, problems),
    maxQueryAliases: integer(env, "MAX_QUERY_ALIASES", 30, 0, 10_000, problems),
    maxQueryDirectives: integer(env, "MAX_QUERY_DIRECTIVES", 50, 0, 10_000, problems),
    maxResultNodes: integer(env, "MAX_RESULT_NODES", 100_000, 100, 10_000_000, problems),
    packRefreshSeconds: integer(env, "PACK_REFRESH_SECONDS", 2, 1, 3600, problems),
    scenariosDir: env.SCENARIOS_DIR || null,
    webhookAllowedTargets: webhookTargets.targets,
    webhookMaxPerKey: integer(env, "WEBHOOK_MAX_PER_KEY", 20, 1, 10_000, problems),
    webhookInFlightPerKey: integer(env, "WEBHOOK_IN_FLIGHT_PER_KEY", 2, 1, 8, problems),
    apiKeyCacheSeconds: integer(env, "API_KEY_CACHE_SECONDS", DEFAULT_API_KEY_CACHE_SECONDS, 0, 5, problems),
    rateLimits: {
      perKeyPerMinute: integer(env, "RATE_LIMIT_PER_KEY_PER_MINUTE", 6_000, 0, 10_000_000, problems),
      perAddressPerMinute: integer(env, "RATE_LIMIT_PER_ADDRESS_PER_MINUTE", 12_000, 0, 10_000_000, problems),
      authFailuresPerAddressPerMinute: integer(env, "AUTH_FAILURES_PER_ADDRESS_PER_MINUTE", 30, 0, 10_000_000, problems),
    },
    trustProxyHops: integer(env, "TRUST_PROXY_HOPS", 0, 0, 10, problems),
    billLimits: billLimits(env, problems),
    metricsToken: env.METRICS_TOKEN || null,
    shutdownDrainSeconds: integer(env, "SHUTDOWN_DRAIN_SECONDS", 5, 0, 300, problems),
    jobs: {
      chunkHouseholds: integer(env, "JOB_CHUNK_HOUSEHOLDS", 50, 1, 10_000, problems),
      leaseSeconds: integer(env, "JOB_LEASE_SECONDS", 30, 1, 3600, problems),
      pollMillis: integer(env, "JOB_POLL_MS", 1_000, 10, 600_000, problems),
    },
    pages: readPagesConfig(env, problems),
    subgraphSecret: env.SUBGRAPH_SECRET || null,
    subgraphUrls: subgraphUrls(env.SUBGRAPHS ?? "", problems),
    subgraphTimeoutMillis: integer(env, "SUBGRAPH_TIMEOUT_MS", 10_000, 100, 600_000, problems),
    beneficiarySource: beneficiarySource(env, problems),
    charityEventsUrl: env.CHARITY_EVENTS_URL || null,
    charityAllocationsUrl: env.CHARITY_ALLOCATIONS_URL || null,
  };
  if (config.subgraphSecret !== null && config.subgraphSecret.length < 32) problems.push("SUBGRAPH_SECRET: at least 32 characters (an HMAC key shared by the gateway and the subgraphs)");
  if (config.charityEventsUrl !== null && !/^https?:\/\/[^\s]+$/.test(config.charityEventsUrl)) problems.push("CHARITY_EVENTS_URL: an http(s) URL (the charity process's POST /events)");
  if (config.charityEventsUrl !== null && config.subgraphSecret === null) problems.push("CHARITY_EVENTS_URL: needs SUBGRAPH_SECRET to sign the events");
  if (config.charityAllocationsUrl !== null && !/^https?:\/\/[^\s]+$/.test(config.charityAllocationsUrl)) problems.push("CHARITY_ALLOCATIONS_URL: an http(s) URL (the charity process's /allocations)");
  // A charity apart answers both: events applied there, allocations asked there (this database has none).
  if ((config.charityEventsUrl === null) !== (config.charityAllocationsUrl === null)) problems.push("CHARITY_ALLOCATIONS_URL: set together with CHARITY_EVENTS_URL (the charity runs apart, or not)");
  if (config.metricsToken !== null && config.metricsToken.length < 16) problems.push("METRICS_TOKEN: at least 16 characters (a bearer token for Prometheus)");
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** SUBGRAPHS: `name=URL` pairs separated by commas, each URL http(s) and each name once. */
function subgraphUrls(text: string, problems: string[]): Array<readonly [string, string]> {
  const pairs: Array<readonly [string, string]> = [];
  for (const part of text.split(",").map((p) => p.trim()).filter(Boolean)) {
    const [name, url] = [part.slice(0, part.indexOf("=")), part.slice(part.indexOf("=") + 1)];
    const valid = part.includes("=") && /^[a-z][a-z0-9-]*$/.test(name) && /^https?:\/\/\S+$/.test(url);
    if (!valid) problems.push(`SUBGRAPHS: "${part}" is not name=http(s)://host:port/graphql`);
    else if (pairs.some(([seen]) => seen === name)) problems.push(`SUBGRAPHS: ${name} is named twice`);
    else pairs.push([name, url]);
  }
  return pairs;
}
