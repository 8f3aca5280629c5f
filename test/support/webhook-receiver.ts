/**
 * Loopback webhook receivers for tests: each request is answered as `answer` says for its number
 * (1, 2, …): a status code, a redirect, or no answer at all (a hanging receiver).
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";

export interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
}

export type Answer = number | { redirectTo: string } | "hang";

export interface Receiver {
  url: string;
  port: number;
  /** The requests answered with a 2xx. */
  received: Received[];
  /** Every request that arrived, answered or not. */
  attempts(): number;
  close(): Promise<void>;
}

export function startReceiver(answer: (attempt: number) => Answer): Promise<Receiver> {
  const received: Received[] = [];
  let attempts = 0;
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      const reply = answer(++attempts);
      if (reply === "hang") return;
      if (typeof reply === "object") {
        res.writeHead(302, { location: reply.redirectTo }).end();
        return;
      }
      if (reply >= 200 && reply < 300) received.push({ headers: req.headers, body });
      res.statusCode = reply;
      res.end(reply >= 300 ? "not now" : undefined);
    });
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}/hook`,
        port,
        received,
        attempts: () => attempts,
        close: () =>
          new Promise((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    }),
  );
}

/** A receiver that answers 500 to the first `failures` requests, then 204. */
export function receiver(failures: number): Promise<Receiver> {
  return startReceiver((attempt) => (attempt <= failures ? 500 : 204));
}

/** Polls until `read` gives a value. */
export async function until<T>(read: () => Promise<T | null> | T | null, timeoutMs = 10_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await read();
    if (value) return value;
    if (Date.now() - started > timeoutMs) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
