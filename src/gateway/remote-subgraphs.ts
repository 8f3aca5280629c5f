/**
 * The owners' subgraphs as the gateway reaches them when they run in processes of their own
 * (`npm start -- --gateway` with SUBGRAPHS=name=URL,...): their SDL read from `_service` at start
 * (the committed file of a built-in subgraph when it does not answer, so that the gateway starts
 * and serves the others), requests sent over HTTP with the caller's principal signed, and their
 * health for /healthz.
 */
import * as fs from "node:fs";
import * as http from "node:http";
import * as https from "node:https";
import { buildHTTPExecutor } from "@graphql-tools/executor-http";
import type { Executor } from "@graphql-tools/utils";
import { GraphQLError, type ExecutionResult } from "graphql";
import { PRINCIPAL_HEADER, signPrincipal } from "../access/principal-token";
import type { Logger } from "../lib/logger";
import { projectPath } from "../lib/project";
import type { GatewayContext } from "./context";
import { queryRefusal } from "./query-limits";
import type { OwnerSubgraph } from "./subgraphs";

export interface RemoteSubgraphs {
  urls: ReadonlyMap<OwnerSubgraph, string>;
  /** The secret the gateway and the subgraphs share (SUBGRAPH_SECRET). */
  secret: string;
  /** How long one subgraph request may take, answer read included. */
  timeoutMillis: number;
  /** The most bytes a subgraph's answer may have (subgraphAnswerBytesLimit). */
  maxAnswerBytes: number;
}

/** The code of a subgraph that did not answer: its fields are null, the others' answered. */
export const SUBGRAPH_UNAVAILABLE = "SUBGRAPH_UNAVAILABLE";

/**
 * The bytes a subgraph answer may have: an answer within MAX_RESULT_NODES fields (a key, a value
 * and punctuation each) stays far below this, one beyond it would be refused by that limit anyway,
 * so it is refused before it is read whole and parsed. A floor keeps room for one large JSON value.
 */
export function subgraphAnswerBytesLimit(maxResultNodes: number): number {
  return Math.max(4 * 1024 * 1024, maxResultNodes * 256);
}

const SDL_QUERY = "{ _service { sdl } }";

/** The subgraph's SDL as it publishes it, or its committed SDL when it does not answer now. */
export async function subgraphSdlOf(name: OwnerSubgraph, url: string, timeoutMillis: number, logger: Logger): Promise<string> {
  try {
    const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: SDL_QUERY }), signal: AbortSignal.timeout(timeoutMillis) });
    const body = (await response.json()) as { data?: { _service?: { sdl?: string } } };
    const sdl = body.data?._service?.sdl;
    if (typeof sdl === "string") return sdl;
    throw new Error(`no SDL in the answer (HTTP ${response.status})`);
  } catch (error) {
    const committed = projectPath("schema", "subgraphs", `${name}.graphql`);
    logger.error({ err: error, subgraph: name, url }, "subgraph SDL unavailable at start: composing with the committed SDL");
    return fs.readFileSync(committed, "utf8");
  }
}

/** The refusal of a subgraph answer larger than the limit: the same code and status as the result-node limit. */
function oversizedAnswer(name: string, maxBytes: number): GraphQLError {
  return queryRefusal(`查询结果过大 / the ${name} subgraph's answer is larger than ${maxBytes} bytes; ask for fewer fields or smaller pages`, "QUERY_TOO_COMPLEX");
}

/** Kept-alive connections to the subgraphs: a request reuses one rather than opening its own. */
const AGENTS = { "http:": new http.Agent({ keepAlive: true }), "https:": new https.Agent({ keepAlive: true }) };

/** The little of a fetch Response the HTTP executor reads, over an answer already read whole. */
function answerOf(response: http.IncomingMessage, text: string): Response {
  const headers = new Map(Object.entries(response.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(", ") : String(value)]));
  const view = { get: (name: string) => headers.get(name.toLowerCase()) ?? null, entries: () => headers.entries() };
  return { status: response.statusCode ?? 0, statusText: response.statusMessage ?? "", headers: view, text: async () => text } as unknown as Response;
}

/**
 * The executor's fetch, on node:http with kept-alive connections (undici's fetch and its abort
 * signals cost the gateway about as much CPU per request as the rest of its work). It gives the
 * subgraph `timeoutMillis` for the whole exchange, answer read included, and reads at most
 * `maxBytes` of the answer: a declared or streamed length beyond it is refused (a GraphQLError,
 * which the executor passes on as it is) and the rest never read.
 */
export function subgraphFetch(name: string, maxBytes: number, timeoutMillis: number): typeof fetch {
  return (input, init) =>
    new Promise<Response>((resolve, reject) => {
      const url = new URL(String(input));
      let timer: NodeJS.Timeout | undefined = undefined;
      const settle = (done: () => void) => {
        clearTimeout(timer);
        done();
      };
      const agent = url.protocol === "https:" ? AGENTS["https:"] : AGENTS["http:"];
      const request = (url.protocol === "https:" ? https : http).request(url, { method: init?.method ?? "GET", headers: init?.headers as http.OutgoingHttpHeaders, agent }, (response) => {
        const refuse = () => {
          response.destroy();
          settle(() => reject(oversizedAnswer(name, maxBytes)));
        };
        if (Number(response.headers["content-length"] ?? NaN) > maxBytes) return refuse();
        const chunks: Buffer[] = [];
        let received = 0;
        response.on("data", (chunk: Buffer) => {
          received += chunk.length;
          if (received > maxBytes) refuse();
          else chunks.push(chunk);
        });
        response.on("end", () => settle(() => resolve(answerOf(response, Buffer.concat(chunks).toString("utf8")))));
        response.on("error", (error) => settle(() => reject(error)));
      });
      timer = setTimeout(() => request.destroy(new Error(`the ${name} subgraph did not answer within ${timeoutMillis} ms`)), timeoutMillis);
      request.on("error", (error) => settle(() => reject(error)));
      request.end(typeof init?.body === "string" ? init.body : undefined);
    });
}

/** Subgraphs that already failed to answer in a request (its context): they are not asked again in it. */
const knownDown = new WeakMap<object, Set<string>>();

/** Records that `name` did not answer within this request, so that a second attempt answers at once. */
export function markUnavailable(context: object, name: string): void {
  const down = knownDown.get(context) ?? new Set<string>();
  down.add(name);
  knownDown.set(context, down);
}

function unavailable(name: string): ExecutionResult {
  return { errors: [new GraphQLError(`${name} 子图暂时无法访问 / the ${name} subgraph is not answering; its fields are missing from this answer`, { extensions: { code: SUBGRAPH_UNAVAILABLE, field: name } })] };
}

/** True when the result says its subgraph did not answer. */
export function isUnavailable(result: ExecutionResult): boolean {
  return !result.data && (result.errors ?? []).some((error) => error.extensions?.code === SUBGRAPH_UNAVAILABLE);
}

/** Sends a subgraph its part of a request, signed with the caller the gateway authenticated. */
export function remoteExecutor(name: string, url: string, remote: Pick<RemoteSubgraphs, "secret" | "timeoutMillis" | "maxAnswerBytes">): Executor {
  const secret = remote.secret;
  const send = buildHTTPExecutor({
    endpoint: url,
    // Per request, covering the connection, the subgraph's work and the reading of its answer.
    fetch: subgraphFetch(name, remote.maxAnswerBytes, remote.timeoutMillis),
    // No authenticated caller, no signature: the subgraph then refuses the request.
    headers: (request): Record<string, string> => {
      const principal = (request?.context as Partial<GatewayContext> | undefined)?.principal;
      return principal ? { [PRINCIPAL_HEADER]: signPrincipal(principal, secret) } : {};
    },
  }) as Executor;
  const answer = async (request: Parameters<Executor>[0]): Promise<ExecutionResult> => {
    const context = request.context as object | undefined;
    if (context && knownDown.get(context)?.has(name)) return unavailable(name);
    const result = (await send(request)) as ExecutionResult;
    // A subgraph that cannot be reached (refused, timed out, not HTTP 2xx) is named, not a fault of ours.
    if (!result.data && result.errors?.some((error) => error.extensions?.code === "SUBREQUEST_HTTP_ERROR")) {
      logUnavailable(name, result.errors);
      return unavailable(name);
    }
    return result;
  };
  return answer as Executor;
}

let logUnavailable: (name: string, errors: readonly GraphQLError[]) => void = () => undefined;

/** Where the gateway logs a subgraph it could not reach (start-up sets the logger). */
export function logSubgraphFailuresTo(logger: Logger): void {
  logUnavailable = (name, errors) => logger.warn({ subgraph: name, errors: errors.map((e) => e.message) }, "subgraph not answering");
}

/** Whether each subgraph answers its own /healthz now. */
export async function subgraphHealth(remote: RemoteSubgraphs): Promise<Record<string, "ok" | "down">> {
  const entries = await Promise.all(
    [...remote.urls].map(async ([name, url]) => {
      try {
        const response = await fetch(new URL("/healthz", url), { signal: AbortSignal.timeout(remote.timeoutMillis) });
        return [name, response.ok ? "ok" : "down"] as const;
      } catch {
        return [name, "down"] as const;
      }
    }),
  );
  return Object.fromEntries(entries);
}
