/**
 * The owners' subgraphs as the gateway reaches them when they run in processes of their own
 * (`npm start -- --gateway` with SUBGRAPHS=name=URL,...): their SDL read from `_service` at start
 * (the committed file of a built-in subgraph when it does not answer, so that the gateway starts
 * and serves the others), requests sent over HTTP with the caller's principal signed, and their
 * health for /healthz.
 */
import * as fs from "node:fs";
import { buildHTTPExecutor } from "@graphql-tools/executor-http";
import type { Executor } from "@graphql-tools/utils";
import { GraphQLError, type ExecutionResult } from "graphql";
import { PRINCIPAL_HEADER, signPrincipal } from "../access/principal-token";
import type { Logger } from "../lib/logger";
import { projectPath } from "../lib/project";
import type { GatewayContext } from "./context";
import type { OwnerSubgraph } from "./subgraphs";

export interface RemoteSubgraphs {
  urls: ReadonlyMap<OwnerSubgraph, string>;
  /** The secret the gateway and the subgraphs share (SUBGRAPH_SECRET). */
  secret: string;
  /** How long one subgraph request may take. */
  timeoutMillis: number;
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

/** Sends a subgraph its part of a request, signed with the caller the gateway authenticated. */
export function remoteExecutor(name: string, url: string, secret: string, timeoutMillis: number): Executor {
  const send = buildHTTPExecutor({
    endpoint: url,
    timeout: timeoutMillis,
    // No authenticated caller, no signature: the subgraph then refuses the request.
    headers: (request): Record<string, string> => {
      const principal = (request?.context as Partial<GatewayContext> | undefined)?.principal;
      return principal ? { [PRINCIPAL_HEADER]: signPrincipal(principal, secret) } : {};
    },
  }) as Executor;
  const answer = async (request: Parameters<Executor>[0]): Promise<ExecutionResult> => {
    const result = (await send(request)) as ExecutionResult;
    // A subgraph that cannot be reached (refused, timed out, not HTTP 2xx) is named, not a fault of ours.
    if (!result.data && result.errors?.some((error) => error.extensions?.code === "SUBREQUEST_HTTP_ERROR")) {
      logUnavailable(name, result.errors);
      return { errors: [new GraphQLError(`${name} 子图暂时无法访问 / the ${name} subgraph is not answering; its fields are missing from this answer`, { extensions: { code: "SUBGRAPH_UNAVAILABLE", field: name } })] };
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
