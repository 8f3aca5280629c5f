/**
 * One webhook POST to an address already checked: the connection goes to that address (the URL's
 * host name only names the Host header and TLS), redirects are not followed, and what is reported
 * is coarse — a status code or one of a few words — so that the delivery log cannot map a network.
 */
import * as http from "node:http";
import * as https from "node:https";
import { isIP } from "node:net";
import type { ResolvedTarget } from "./webhook-targets";

export type PostOutcome = { statusCode: number } | { failure: "timeout" | "connection failed" };

export function postOnce(target: ResolvedTarget, headers: Record<string, string>, body: string, signal: AbortSignal): Promise<PostOutcome> {
  const { url, address, port } = target;
  const hostname = url.hostname.replace(/^\[(.*)\]$/, "$1");
  const options: https.RequestOptions = {
    method: "POST",
    host: address,
    port,
    path: `${url.pathname}${url.search}`,
    headers: { ...headers, host: url.host, "content-length": String(Buffer.byteLength(body)) },
    // A fresh connection per delivery: a pooled one could be to another address of the host.
    agent: false,
    signal,
    ...(url.protocol === "https:" && isIP(hostname) === 0 ? { servername: hostname } : {}),
  };
  const send = url.protocol === "https:" ? https.request : http.request;
  return new Promise((resolve) => {
    const request = send(options, (response) => {
      resolve({ statusCode: response.statusCode ?? 0 });
      // The body is not read: only the status counts.
      response.destroy();
    });
    request.on("error", () => resolve({ failure: signal.aborted ? "timeout" : "connection failed" }));
    request.end(body);
  });
}
