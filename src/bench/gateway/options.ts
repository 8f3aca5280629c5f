/**
 * The command-line options of `bench:gateway`. The defaults are the issue's: 20 s per phase, and
 * enough beneficiaries that concurrent settlements rarely wait on the same person's lock.
 */

export interface BenchOptions {
  /** Length of each measured phase. */
  seconds: number;
  /** Unmeasured load before each phase, so that V8 has compiled the hot paths (0: none). */
  warmupSeconds: number;
  /** Concurrent autocannon connections (each waits for its answer before sending again). */
  connections: number;
  /** With a rate, autocannon paces the requests of all connections to it (open loop); null: as fast as answered. */
  rate: number | null;
  /** 聊城 低保 beneficiaries created before the phases, each with one settled claim. */
  people: number;
  /** When set, the gateway runs under `node --cpu-prof` and its profile is summarised per phase. */
  profileDir: string | null;
  /** A MySQL/MariaDB server (`mysql://…`) to bench on, in a fresh database dropped afterwards; null: a fresh SQLite file. */
  databaseUrl: string | null;
  /** `npm start -- --workers N` for the gateway; null: one process, as without the option. */
  workers: number | null;
  /** Bills in the batch phase and in the storage floor. */
  bills: number;
  /** Also measure the federation's cost (four processes, SQLite copies). */
  federation: boolean;
}

function readNumber(argv: string[], name: string, fallback: number, min: number): number {
  const at = argv.indexOf(`--${name}`);
  if (at < 0) return fallback;
  const value = Number(argv[at + 1]);
  if (!Number.isInteger(value) || value < min) throw new Error(`--${name} needs a whole number ≥ ${min} (got "${argv[at + 1] ?? ""}")`);
  return value;
}

/**
 * Reads `--seconds N --warmup N --connections N --rate N --people N --profile DIR --database URL
 * --workers N --bills N --federation`; throws on a
 * malformed value rather than silently benchmarking something else.
 */
export function readOptions(argv: string[]): BenchOptions {
  const profileAt = argv.indexOf("--profile");
  const profileDir = profileAt >= 0 ? argv[profileAt + 1] : null;
  if (profileAt >= 0 && !profileDir) throw new Error("--profile needs a directory");
  const rate = readNumber(argv, "rate", 0, 1);
  const databaseAt = argv.indexOf("--database");
  const databaseUrl = databaseAt >= 0 ? argv[databaseAt + 1] : null;
  if (databaseAt >= 0 && !databaseUrl?.startsWith("mysql://")) throw new Error(`--database needs a mysql://user@host:port/ URL of a server (got "${databaseUrl ?? ""}"); without it the benchmark runs on a fresh SQLite file`);
  const workers = argv.includes("--workers") ? readNumber(argv, "workers", 1, 1) : null;
  if (workers !== null && profileDir) throw new Error("--profile profiles one gateway process: not with --workers");
  return {
    seconds: readNumber(argv, "seconds", 20, 1),
    warmupSeconds: readNumber(argv, "warmup", 2, 0),
    connections: readNumber(argv, "connections", 10, 1),
    rate: argv.includes("--rate") ? rate : null,
    people: readNumber(argv, "people", 2000, 1),
    profileDir,
    databaseUrl,
    workers,
    bills: readNumber(argv, "bills", 10_000, 1),
    federation: argv.includes("--federation"),
  };
}
