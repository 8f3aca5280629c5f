/**
 * One autocannon phase against a running gateway: GraphQL POSTs over loopback whose bodies are
 * built per request, with every answer checked (a fast wrong answer is not throughput).
 */
import autocannon from "autocannon";
import type { Workload } from "./operations";

export interface PhaseSettings {
  url: string;
  key: string;
  /** How the caller proves who it is, when not with the key (a subgraph asked directly takes the gateway's signature). */
  headers?: () => Record<string, string>;
  seconds: number;
  connections: number;
  /** Requests per second over all connections, or null for as many as the gateway answers. */
  rate: number | null;
}

export interface PhaseResult {
  name: string;
  seconds: number;
  /** Answers received (any status). */
  requests: number;
  /** Answers with HTTP 2xx that carried the expected data and no GraphQL error. */
  ok: number;
  requestsPerSecond: number;
  /** `ok` per second: settlements per second in the settle phase. */
  okPerSecond: number;
  p50: number;
  p99: number;
  non2xx: number;
  /** 2xx answers with `errors` or without the data asked for. */
  graphqlErrors: number;
  /** Connection errors and timeouts, as autocannon counts them. */
  connectionErrors: number;
  firstProblem: string | null;
  /** Claim ids the answers proved settled (settle phase). */
  claimIds: string[];
  /** The phase's window on the monotonic clock (µs), to cut a CPU profile to it. */
  window: { start: number; end: number };
}

/** Monotonic time in µs: the clock V8's CPU profiles use, so windows and samples compare. */
export function monotonicMicros(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

/** Runs one phase and returns its figures; it does not judge them (see `problemsOf`). */
export async function runPhase(name: string, settings: PhaseSettings, workload: Workload): Promise<PhaseResult> {
  let ok = 0;
  let graphqlErrors = 0;
  let firstProblem: string | null = null;
  const claimIds: string[] = [];
  const start = monotonicMicros();
  const result = await autocannon({
    url: `${settings.url}/graphql`,
    connections: settings.connections,
    ...(settings.rate ? { overallRate: settings.rate } : {}),
    duration: settings.seconds,
    requests: [
      {
        method: "POST",
        headers: { "content-type": "application/json", ...(settings.headers ? settings.headers() : { authorization: `Bearer ${settings.key}` }) },
        // autocannon calls this before every request, so every request gets a new body.
        setupRequest: (request: autocannon.Request) => ({ ...request, body: workload.body() }),
        onResponse: (status: number, text: string) => {
          if (status < 200 || status >= 300) {
            firstProblem ??= `HTTP ${status}: ${text.slice(0, 300)}`;
            return;
          }
          const verdict = workload.check(text);
          if (verdict.ok) {
            ok++;
            if (verdict.claimId) claimIds.push(verdict.claimId);
          } else {
            graphqlErrors++;
            firstProblem ??= verdict.problem;
          }
        },
      },
    ],
  });
  const end = monotonicMicros();
  return {
    name,
    seconds: result.duration,
    requests: result.requests.total,
    ok,
    requestsPerSecond: result.requests.total / result.duration,
    okPerSecond: ok / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    graphqlErrors,
    connectionErrors: result.errors,
    firstProblem,
    claimIds,
    window: { start, end },
  };
}

/**
 * What makes a phase's figures worthless: any failed request, or (unless `allowNoSuccess`: a
 * warm-up shorter than a loaded machine's latency) not one answer. Empty when the phase is clean.
 */
export function problemsOf(result: PhaseResult, allowNoSuccess = false): string[] {
  const problems: string[] = [];
  if (result.non2xx > 0) problems.push(`${result.non2xx} non-2xx answers`);
  if (result.graphqlErrors > 0) problems.push(`${result.graphqlErrors} GraphQL errors`);
  if (result.connectionErrors > 0) problems.push(`${result.connectionErrors} connection errors or timeouts`);
  if (result.ok === 0 && !allowNoSuccess) problems.push("no successful request");
  if (problems.length > 0 && result.firstProblem) problems.push(`first: ${result.firstProblem}`);
  return problems;
}
