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
}

function readNumber(argv: string[], name: string, fallback: number, min: number): number {
  const at = argv.indexOf(`--${name}`);
  if (at < 0) return fallback;
  const value = Number(argv[at + 1]);
  if (!Number.isInteger(value) || value < min) throw new Error(`--${name} needs a whole number ≥ ${min} (got "${argv[at + 1] ?? ""}")`);
  return value;
}

/**
 * Reads `--seconds N --warmup N --connections N --rate N --people N --profile DIR`; throws on a
 * malformed value rather than silently benchmarking something else.
 */
export function readOptions(argv: string[]): BenchOptions {
  const profileAt = argv.indexOf("--profile");
  const profileDir = profileAt >= 0 ? argv[profileAt + 1] : null;
  if (profileAt >= 0 && !profileDir) throw new Error("--profile needs a directory");
  const rate = readNumber(argv, "rate", 0, 1);
  return {
    seconds: readNumber(argv, "seconds", 20, 1),
    warmupSeconds: readNumber(argv, "warmup", 2, 0),
    connections: readNumber(argv, "connections", 10, 1),
    rate: argv.includes("--rate") ? rate : null,
    people: readNumber(argv, "people", 2000, 1),
    profileDir,
  };
}
