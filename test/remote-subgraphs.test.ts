/**
 * The gateway's requests to a subgraph in another process, against a real HTTP server standing in
 * for a misbehaving subgraph: an answer larger than the bytes limit is refused before it is read
 * whole (declared or streamed), a subgraph that does not answer in time is named unavailable, and
 * one that failed in a request is not asked again in it.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { parse, type ExecutionResult } from "graphql";
import { Principal } from "../src/access/principal";
import { markUnavailable, remoteExecutor } from "../src/gateway/remote-subgraphs";

const LIMIT_BYTES = 10_000;
const SECRET = "a-test-secret-shared-by-gateway-and-subgraphs";

describe("a remote subgraph's answers", () => {
  let server: http.Server;
  let url: string;
  let requests = 0;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      requests++;
      const big = JSON.stringify({ data: { rulePacks: Array.from({ length: 2_000 }, (_, i) => ({ id: `pack-${i}` })) } });
      if (req.url === "/declared") res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(big) }).end(big);
      else if (req.url === "/streamed") {
        // No length declared: chunk after chunk until the reader stops.
        res.writeHead(200, { "content-type": "application/json" });
        for (let i = 0; i < 20; i++) res.write(big.slice(i * 1000, (i + 1) * 1000));
        res.end(big.slice(20_000));
      } else if (req.url === "/silent") {
        // Never answers; the request's timeout ends it.
      } else res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ data: { rulePacks: [{ id: "small" }] } }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const ask = (path: string, context: object = { principal: Principal.system("test") }, timeoutMillis = 5_000) =>
    remoteExecutor("settlements", `${url}${path}`, { secret: SECRET, timeoutMillis, maxAnswerBytes: LIMIT_BYTES })({ document: parse("{ rulePacks { id } }"), context }) as Promise<ExecutionResult>;

  it.each(["/declared", "/streamed"])("refuses an answer over the limit (%s) as too large, not as the subgraph down", async (path) => {
    const result = await ask(path);
    expect(result.data).toBeUndefined();
    expect(result.errors).toHaveLength(1);
    expect(result.errors![0]!.extensions).toMatchObject({ code: "QUERY_TOO_COMPLEX", field: "query" });
  });

  it("passes an answer within the limit", async () => {
    expect(await ask("/small")).toEqual({ data: { rulePacks: [{ id: "small" }] } });
  });

  it("names a subgraph that does not answer within the timeout unavailable", async () => {
    const result = await ask("/silent", { principal: Principal.system("test") }, 300);
    expect(result.errors![0]!.extensions).toEqual({ code: "SUBGRAPH_UNAVAILABLE", field: "settlements" });
  });

  it("does not ask again, in the same request, a subgraph that already failed in it", async () => {
    const context = { principal: Principal.system("test") };
    markUnavailable(context, "settlements");
    const before = requests;
    const result = await ask("/small", context);
    expect(result.errors![0]!.extensions).toEqual({ code: "SUBGRAPH_UNAVAILABLE", field: "settlements" });
    expect(requests).toBe(before);
    // Another request asks it as usual.
    expect((await ask("/small")).data).toEqual({ rulePacks: [{ id: "small" }] });
  });
});
