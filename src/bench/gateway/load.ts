/**
 * One autocannon phase against a running gateway: GraphQL POSTs whose bodies are built per request,
 * with every response checked for GraphQL errors (a fast error is not a result).
 */
import autocannon from "autocannon";

export interface PhaseResult {
  name: string;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  requests: number;
  non2xx: number;
  graphqlErrors: number;
  firstError: string | null;
}

/** Runs a phase for `seconds` with `connections` concurrent clients; `body` builds each request's body. */
export async function runPhase(name: string, url: string, key: string, seconds: number, connections: number, body: () => string): Promise<PhaseResult> {
  let graphqlErrors = 0;
  let firstError: string | null = null;
  const result = await autocannon({
    url: `${url}/graphql`,
    connections,
    duration: seconds,
    requests: [
      {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
        setupRequest: (request: autocannon.Request) => ({ ...request, body: body() }),
        onResponse: (_status: number, text: string) => {
          if (text.includes('"errors"')) {
            graphqlErrors++;
            firstError ??= text.slice(0, 300);
          }
        },
      },
    ],
  });
  return {
    name,
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    non2xx: result.non2xx,
    graphqlErrors,
    firstError,
  };
}
