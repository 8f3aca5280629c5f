/**
 * `npm start -- --workers N`: a process per core with `node:cluster`. The primary prepares the
 * database (migrations, rule packs, demo data) before it forks, so that exactly one process writes
 * the schema and the workers start on a ready database without waiting on each other; then it
 * serves nothing itself. The workers share the port (the primary hands them connections in turn),
 * each a stateless gateway as a single process is. A worker that dies is replaced, a bounded number
 * of times; SIGTERM and SIGINT are passed on, so that every worker drains as one process does.
 */
import cluster, { type Worker } from "node:cluster";
import { ConfigError, type DatabaseConfig } from "../lib/config";
import type { Logger } from "../lib/logger";

/** More deaths than this within RESTART_WINDOW_MS and the primary gives up (a crash loop, not bad luck). */
export const MAX_RESTARTS_PER_WINDOW = 5;
const RESTART_WINDOW_MS = 60_000;
const MAX_WORKERS = 64;

/** What a worker tells the primary once it listens: the lines a single process would print. */
interface ListeningMessage {
  kind: "listening";
  banner: string[];
}

function isListening(message: unknown): message is ListeningMessage {
  return typeof message === "object" && message !== null && (message as { kind?: unknown }).kind === "listening";
}

/**
 * `--workers N`, or null without it (one process, as before). SQLite is refused above one worker:
 * a file has one writer, and a settlement holds the write lock for its whole transaction (TypeORM's
 * work between statements included), so a second process adds lock waits and SQLITE_BUSY retries
 * (bounded in src/lib/db.ts, so under load they end as refusals) and no write throughput.
 */
export function workersOf(argv: string[], database: DatabaseConfig): number | null {
  const at = argv.indexOf("--workers");
  if (at < 0) return null;
  const given = argv[at + 1];
  const count = Number(given);
  if (!Number.isInteger(count) || count < 1 || count > MAX_WORKERS) throw new ConfigError([`--workers: a whole number from 1 to ${MAX_WORKERS} (got ${given ?? "nothing"})`]);
  if (count > 1 && database.kind === "sqlite") {
    throw new ConfigError([`--workers ${count}: SQLite has one writer per file, so more processes would only queue on its lock; use --workers 1, or a MySQL/MariaDB DATABASE_URL`]);
  }
  return count;
}

/** In a worker: hands the primary the banner to print once every worker listens. */
export function reportListening(banner: string[]): void {
  const message: ListeningMessage = { kind: "listening", banner };
  process.send?.(message);
}

/**
 * In the primary: forks `count` workers, calls `onAllListening` with the first banner once all of
 * them listen, replaces a worker that exits unasked, and stops them all on SIGTERM/SIGINT.
 */
export function superviseWorkers(count: number, logger: Logger, onAllListening: (banner: string[]) => void): void {
  const alive = new Set<Worker>();
  const deaths: number[] = [];
  let announced = false;
  let listening = 0;
  let stopping: { exitCode: number } | null = null;

  const stopAll = (signal: NodeJS.Signals, exitCode: number) => {
    stopping ??= { exitCode };
    if (alive.size === 0) process.exit(stopping.exitCode);
    for (const worker of alive) worker.process.kill(signal);
  };

  const fork = () => {
    const worker = cluster.fork();
    alive.add(worker);
    worker.on("message", (message: unknown) => {
      if (!isListening(message)) return;
      listening++;
      process.stdout.write(`Worker ${worker.process.pid} listening\n`);
      if (!announced && listening >= count) {
        announced = true;
        onAllListening(message.banner);
      }
    });
  };

  cluster.on("exit", (worker, code, signal) => {
    alive.delete(worker);
    if (stopping) {
      if (alive.size === 0) process.exit(stopping.exitCode);
      return;
    }
    const now = Date.now();
    while (deaths.length > 0 && deaths[0] <= now - RESTART_WINDOW_MS) deaths.shift();
    deaths.push(now);
    const how = signal ?? `code ${code}`;
    if (deaths.length > MAX_RESTARTS_PER_WINDOW) {
      logger.error({ pid: worker.process.pid, code, signal, deaths: deaths.length }, "workers keep dying: stopping them all");
      process.stderr.write(`Worker ${worker.process.pid} exited (${how}); ${deaths.length} deaths within a minute: giving up\n`);
      stopAll("SIGTERM", 1);
      return;
    }
    logger.error({ pid: worker.process.pid, code, signal }, "worker died: starting another");
    process.stdout.write(`Worker ${worker.process.pid} exited (${how}); starting another\n`);
    fork();
  });

  process.on("SIGTERM", () => stopAll("SIGTERM", 0));
  process.on("SIGINT", () => stopAll("SIGINT", 0));
  for (let i = 0; i < count; i++) fork();
}
