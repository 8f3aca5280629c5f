/**
 * Configuration from the environment, read and checked once at start. Every bad variable is
 * reported together, so that an operator fixes them in one go.
 */
import * as fs from "node:fs";

export interface DatabaseConfig {
  kind: "sqlite" | "mysql";
  /** For SQLite, the file path (or ":memory:"); for MySQL, the connection URL. */
  location: string;
}

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
  /** How often, in seconds, a gateway looks for rule pack versions activated by another instance. */
  packRefreshSeconds: number;
  /** Where the jurisdictions' scenarios are, which a new pack version must pass; null: the project's test/scenarios. */
  scenariosDir: string | null;
  /** Who may read /metrics: callers with this bearer token; null: loopback callers only. */
  metricsToken: string | null;
  /** After SIGTERM, how long /readyz fails while requests are still served, before the server closes. */
  shutdownDrainSeconds: number;
}

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
  const config: GatewayConfig = {
    database: typeof database === "string" ? { kind: "sqlite", location: "" } : database,
    embeddedDatabase: !env.DATABASE_URL,
    port: integer(env, "PORT", 4000, 0, 65535, problems),
    host: env.HOST || "127.0.0.1",
    logLevel,
    maxQueryDepth: integer(env, "MAX_QUERY_DEPTH", 8, 2, 50, problems),
    maxQueryCost: integer(env, "MAX_QUERY_COST", 50_000, 10, 10_000_000, problems),
    packRefreshSeconds: integer(env, "PACK_REFRESH_SECONDS", 2, 1, 3600, problems),
    scenariosDir: env.SCENARIOS_DIR || null,
    metricsToken: env.METRICS_TOKEN || null,
    shutdownDrainSeconds: integer(env, "SHUTDOWN_DRAIN_SECONDS", 5, 0, 300, problems),
  };
  if (config.metricsToken !== null && config.metricsToken.length < 16) problems.push("METRICS_TOKEN: at least 16 characters (a bearer token for Prometheus)");
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
