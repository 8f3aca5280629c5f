/**
 * The database: one TypeORM DataSource for SQLite (better-sqlite3, the embedded default) or
 * MySQL/MariaDB (mysql2, production), with the same entities and migrations, and the few helpers
 * that keep both correct: exact money columns, and write transactions that serialise where needed.
 */
import "reflect-metadata";
import * as fs from "node:fs";
import * as path from "node:path";
import { DataSource, type EntityManager, type ValueTransformer } from "typeorm";
import { Money, formatAmount } from "./money";
import type { DatabaseConfig } from "./config";

/**
 * Maps DECIMAL(18,2) columns to Decimal. MySQL returns DECIMAL as a string; the SQLite migrations
 * store money as TEXT so that it comes back exactly as written. A JS number never carries money.
 */
export const moneyTransformer: ValueTransformer = {
  to(value: Money | null | undefined): string | null | undefined {
    if (value === null || value === undefined) return value;
    return formatAmount(value);
  },
  from(value: string | number | null): Money | null {
    if (value === null || value === undefined) return null;
    if (typeof value === "number") throw new Error(`a money column returned a number (${value}); money columns must be TEXT on SQLite`);
    return new Money(value);
  },
};

/** The options every money column shares. */
export const moneyColumn = { type: "decimal" as const, precision: 18, scale: 2, transformer: moneyTransformer };

/** The current time as an ISO string: timestamps are stored as text, the same on both databases. */
export function nowIso(): string {
  return new Date().toISOString();
}

export interface DataSourceParts {
  entities: Function[];
  migrations: Function[];
  /** Receives every SQL statement (tests count them to prove batching). */
  onQuery?: (sql: string) => void;
}

/** A TypeORM logger that only reports each statement to a callback. */
function statementLogger(onQuery: (sql: string) => void) {
  const ignore = () => undefined;
  return { logQuery: (sql: string) => onQuery(sql), logQueryError: ignore, logQuerySlow: ignore, logSchemaBuild: ignore, logMigration: ignore, log: ignore };
}

/**
 * Creates the SQLite file's directory when only it is missing (the default ./data): a path whose
 * parent is missing too is refused with ENOENT rather than built however deep — it is more likely
 * a mistake — and Node's recursive mkdir would loop for ever on a parent that refuses it (/proc).
 */
function makeDataDirectory(location: string): void {
  const directory = path.dirname(path.resolve(location));
  if (fs.existsSync(directory)) return;
  fs.mkdirSync(directory);
}

/** Builds (does not open) the DataSource for a configuration. */
export function createDataSource(config: DatabaseConfig, parts: DataSourceParts): DataSource {
  if (config.kind === "sqlite") {
    if (config.location !== ":memory:") makeDataDirectory(config.location);
    return new DataSource({
      type: "better-sqlite3",
      database: config.location,
      entities: parts.entities,
      migrations: parts.migrations,
      migrationsRun: false,
      synchronize: false,
      ...(parts.onQuery ? { logging: ["query" as const], logger: statementLogger(parts.onQuery) } : {}),
      // WAL lets readers in other processes work while one writes; the busy timeout makes a
      // second writer (another gateway process) wait for the lock instead of failing at once.
      enableWAL: config.location !== ":memory:",
      timeout: 10_000,
      prepareDatabase: (db: { pragma(text: string): unknown }) => {
        db.pragma("foreign_keys = ON");
      },
    });
  }
  return new DataSource({
    type: "mysql",
    url: config.location,
    entities: parts.entities,
    migrations: parts.migrations,
    migrationsRun: false,
    synchronize: false,
    ...(parts.onQuery ? { logging: ["query" as const], logger: statementLogger(parts.onQuery) } : {}),
    charset: "utf8mb4_unicode_ci",
    timezone: "Z",
    // DECIMAL stays a string from mysql2 (its default); the transformer makes it a Decimal.
    supportBigNumbers: true,
    bigNumberStrings: true,
    extra: { connectionLimit: 10 },
  });
}

/**
 * The door every write of a process goes through: one TransactionRunner per DataSource. On SQLite a
 * write outside it (a direct `dataSource.transaction`, or a plain statement) would run on the one
 * connection inside whichever queued transaction is open, and vanish if that one rolls back.
 */
export function transactionsOf(dataSource: DataSource): TransactionRunner {
  return TransactionRunner.of(dataSource);
}

/**
 * Runs `work` in a write transaction. MySQL runs transactions side by side on pooled connections
 * (READ COMMITTED: every statement after a row lock sees what was committed before the lock was
 * granted). better-sqlite3 has one connection per process, so transactions are queued here; other
 * processes on the same file wait on SQLite's own lock (busy timeout).
 */
export class TransactionRunner {
  private queue: Promise<unknown> = Promise.resolve();

  private static readonly runners = new WeakMap<DataSource, TransactionRunner>();

  /** How a MySQL transaction that lost a conflict is run again (see retriedOnConflict). */
  conflictRetry: Readonly<ConflictRetry> = DEFAULT_CONFLICT_RETRY;

  /** Private: a second runner on the same DataSource would have a queue of its own. */
  private constructor(private readonly dataSource: DataSource) {}

  /** The one runner of a DataSource. */
  static of(dataSource: DataSource): TransactionRunner {
    let runner = TransactionRunner.runners.get(dataSource);
    if (!runner) {
      runner = new TransactionRunner(dataSource);
      TransactionRunner.runners.set(dataSource, runner);
    }
    return runner;
  }

  get isSqlite(): boolean {
    return this.dataSource.options.type === "better-sqlite3";
  }

  /**
   * Runs reads that must see one consistent state and change nothing (a preview of a rule change):
   * a read-only snapshot transaction on MySQL, rolled back; on SQLite, queued between writers.
   */
  async readOnly<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (this.isSqlite) {
      const result = this.queue.then(() => work(this.dataSource.manager));
      this.queue = result.catch(() => undefined);
      return result;
    }
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
      await runner.query("START TRANSACTION READ ONLY");
      return await work(runner.manager);
    } finally {
      await runner.query("ROLLBACK").catch(() => undefined);
      await runner.release();
    }
  }

  /**
   * Runs `work` inside the caller's transaction when there is one (a request that records, submits
   * and settles as one), otherwise in a new one: a nested `run` would wait on SQLite's queue forever.
   */
  joinOrRun<T>(transaction: EntityManager | undefined, work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return transaction ? work(transaction) : this.run(work);
  }

  /**
   * Runs `work` in a transaction of its own, and its after-commit callbacks once it has committed.
   * The door alone retries: on SQLite while another process holds the file, on MySQL when the
   * server refuses the transaction as the loser of a conflict (a deadlock, Galera's certification
   * failure at commit, TiDB's optimistic write conflict) — `work` is run again from the start, so
   * it must keep its effects inside `manager` (and `afterCommit`) until then.
   */
  run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    let committed: Promise<Committed<T>>;
    if (!this.isSqlite) committed = retriedOnConflict(this.conflictRetry, () => this.once(work));
    else {
      committed = this.queue.then(() => retriedWhileBusy(() => this.once(work)));
      this.queue = committed.catch(() => undefined);
    }
    // Outside the queue: a callback may start a transaction of its own.
    return committed.then(async ({ value, manager }) => {
      await runAfterCommit(manager);
      return value;
    });
  }

  /** One attempt: what `work` asked to run after the commit is dropped when the attempt fails. */
  private async once<T>(work: (manager: EntityManager) => Promise<T>): Promise<Committed<T>> {
    let manager: EntityManager | null = null;
    const tracked = (m: EntityManager) => {
      manager = m;
      return work(m);
    };
    try {
      const value = this.isSqlite ? await this.dataSource.transaction(tracked) : await this.dataSource.transaction("READ COMMITTED", tracked);
      return { value, manager };
    } catch (error) {
      if (manager) commitCallbacks.delete(manager);
      throw error;
    }
  }
}

interface Committed<T> {
  value: T;
  manager: EntityManager | null;
}

/** What to do once a transaction has committed, by the transaction's manager. */
const commitCallbacks = new WeakMap<EntityManager, Array<() => Promise<void>>>();

/**
 * Runs `callback` after the transaction of `manager` has committed (never when it rolls back), once
 * the door has released it: work that must see the commit (handing on outbox events) and may start
 * transactions of its own. A callback's failure is its own business: it is not the transaction's.
 */
export function afterCommit(manager: EntityManager, callback: () => Promise<void>): void {
  const callbacks = commitCallbacks.get(manager);
  if (callbacks) callbacks.push(callback);
  else commitCallbacks.set(manager, [callback]);
}

async function runAfterCommit(manager: EntityManager | null): Promise<void> {
  if (!manager) return;
  const callbacks = commitCallbacks.get(manager) ?? [];
  commitCallbacks.delete(manager);
  for (const callback of callbacks) await callback().catch(() => undefined);
}

/** How often, and after how long, a SQLite transaction is tried again when another process holds the file. */
const BUSY_ATTEMPTS = 8;
const BUSY_FIRST_WAIT_MS = 20;

/** True for SQLite's "another connection is writing" (SQLITE_BUSY, SQLITE_BUSY_SNAPSHOT), however TypeORM wraps it. */
function isSqliteBusy(error: unknown): boolean {
  const code = (error as { code?: unknown; driverError?: { code?: unknown } } | null)?.driverError?.code ?? (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && code.startsWith("SQLITE_BUSY");
}

/**
 * Runs a SQLite transaction again when another process (a second gateway, the CLI) wrote the file
 * first. The busy timeout covers a writer waiting to begin, not a reader whose snapshot a writer made
 * stale when it tries to write (SQLITE_BUSY_SNAPSHOT): that transaction was rolled back whole, so
 * running it again is safe.
 */
async function retriedWhileBusy<T>(transaction: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await transaction();
    } catch (error) {
      if (!isSqliteBusy(error) || attempt >= BUSY_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, BUSY_FIRST_WAIT_MS * 2 ** (attempt - 1)));
    }
  }
}

/**
 * MySQL errors after which the whole transaction is run again: the server has rolled it back and
 * the same work may succeed now that the winner has committed.
 * - 1213 ER_LOCK_DEADLOCK: an InnoDB deadlock; Galera's certification failure (a conflicting write
 *   committed first through another node); TiDB's deadlock in pessimistic mode.
 * - 9007: TiDB's write conflict at the commit of an optimistic transaction.
 * 1205 (lock wait timeout) is not retried: the request has already waited innodb_lock_wait_timeout
 * behind a long holder, and would wait as long again.
 */
const CONFLICT_ERRNOS = new Set([1213, 9007]);

/** How often a transaction that lost a conflict is run in all, and the backoff's first and largest wait. */
export interface ConflictRetry {
  attempts: number;
  firstWaitMs: number;
  maxWaitMs: number;
}

/**
 * Measured on the three-node cluster (test/galera): 100 allocations at once against two funds
 * through three nodes lose up to 12 times in a row, each further loss about 3 in 4 as likely as the
 * one before; 30 attempts keep a give-up out of reach there, at most about 25 s of waiting.
 */
export const DEFAULT_CONFLICT_RETRY: Readonly<ConflictRetry> = { attempts: 30, firstWaitMs: 10, maxWaitMs: 1000 };

/** True for a conflict the server resolved by rolling this transaction back, however TypeORM wraps it. */
export function isRetriedConflict(error: unknown): boolean {
  const errno = (error as { driverError?: { errno?: unknown } } | null)?.driverError?.errno ?? (error as { errno?: unknown } | null)?.errno;
  return typeof errno === "number" && CONFLICT_ERRNOS.has(errno);
}

/**
 * Runs a MySQL transaction again when it lost a conflict, after a random wait below a ceiling that
 * doubles each time ("full jitter"): the losers of one conflict do not all come back at once.
 */
async function retriedOnConflict<T>(policy: ConflictRetry, transaction: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await transaction();
    } catch (error) {
      if (!isRetriedConflict(error) || attempt >= policy.attempts) throw error;
      const ceilingMs = Math.min(policy.maxWaitMs, policy.firstWaitMs * 2 ** (attempt - 1));
      await new Promise((resolve) => setTimeout(resolve, Math.random() * ceilingMs));
    }
  }
}
