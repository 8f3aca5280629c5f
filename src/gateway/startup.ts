/**
 * Start-up that fails early and plainly: the port is bound before the database is touched (a taken
 * port then writes nothing), and the usual operator mistakes — a taken port, a missing MySQL
 * database, an unreachable server, a SQLite path that cannot be created — become one line.
 */
import * as http from "node:http";
import type { DatabaseConfig, GatewayConfig } from "../lib/config";

/** A mistake in the environment, told in one line; the process exits without a stack. */
export class StartupError extends Error {
  override name = "StartupError";
}

interface SystemError {
  code?: string;
  errno?: number;
  sqlMessage?: string;
  message?: string;
}

/**
 * Binds the port. Until the gateway takes the server over, /livez answers and everything else is
 * 503 "starting".
 */
export function reservePort(config: Pick<GatewayConfig, "host" | "port">): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const live = req.url === "/livez";
    res.writeHead(live ? 200 : 503, { "content-type": "application/json" }).end(JSON.stringify({ status: live ? "ok" : "starting" }));
  });
  return new Promise((resolve, reject) => {
    server.once("error", (error: SystemError) => reject(new StartupError(portProblem(error, config))));
    server.listen(config.port, config.host, () => resolve(server));
  });
}

function portProblem(error: SystemError, { host, port }: Pick<GatewayConfig, "host" | "port">): string {
  if (error.code === "EADDRINUSE") return `cannot listen on ${host}:${port}: the port is already in use (set PORT)`;
  if (error.code === "EACCES") return `cannot listen on ${host}:${port}: not allowed (ports below 1024 need privileges; set PORT)`;
  if (error.code === "EADDRNOTAVAIL" || error.code === "ENOTFOUND") return `cannot listen on ${host}:${port}: not an address of this machine (set HOST)`;
  return `cannot listen on ${host}:${port}: ${error.code ?? error.message}`;
}

const UNREACHABLE = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "ECONNRESET"]);
const SQLITE_PATH = new Set(["ENOTDIR", "EACCES", "EPERM", "EROFS", "EEXIST", "ENOENT", "SQLITE_CANTOPEN", "SQLITE_READONLY"]);

/** One line for a database that cannot be opened, or null when the error is not an operator's mistake. */
export function databaseProblem(error: unknown, database: DatabaseConfig): string | null {
  const failure = (error ?? {}) as SystemError;
  if (database.kind === "sqlite") {
    return failure.code && SQLITE_PATH.has(failure.code) ? `cannot create or open the SQLite database at ${database.location}: ${failure.code} (set DATABASE_URL)` : null;
  }
  const url = new URL(database.location);
  const server = `${url.hostname}:${url.port || 3306}`;
  const name = decodeURIComponent(url.pathname.slice(1));
  if (failure.code === "ER_BAD_DB_ERROR") return `database "${name}" does not exist on ${server}: create it with CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`;
  if (failure.code && UNREACHABLE.has(failure.code)) return `cannot reach the database server at ${server}: ${failure.code} (is it running? check DATABASE_URL)`;
  if (failure.sqlMessage) return `the database server at ${server} refused: ${failure.sqlMessage}`;
  return null;
}

/** Runs `opening`; an operator's mistake in the database settings becomes a StartupError. */
export async function openOrExplain<T>(database: DatabaseConfig, opening: () => Promise<T>): Promise<T> {
  try {
    return await opening();
  } catch (error) {
    const problem = databaseProblem(error, database);
    throw problem ? new StartupError(problem) : error;
  }
}

/**
 * Serves `app` on the server bound early by `reservePort` (taking it over), or else binds it now;
 * returns the port and URL it listens on (the real port when the configured one is 0).
 */
export async function serveApp(app: http.RequestListener, httpServer: http.Server, config: Pick<GatewayConfig, "host" | "port">, listening?: http.Server): Promise<{ port: number; url: string }> {
  if (listening) {
    listening.removeAllListeners("request");
    listening.on("request", app);
  } else {
    await new Promise<void>((resolve) => httpServer.listen(config.port, config.host, resolve));
  }
  const address = httpServer.address();
  const port = typeof address === "object" && address ? address.port : config.port;
  return { port, url: `http://${config.host}:${port}` };
}
