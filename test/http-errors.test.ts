/**
 * What a careless or hostile client gets when no route answers or Express itself fails: JSON in
 * the path's error shape with the right status, never an HTML page, a stack or a file path —
 * with a key or without.
 */
import * as http from "node:http";
import express from "express";
import { testDatabases } from "./support/databases";
import { startTestGateway, type TestGateway } from "./support/gateway";
import { errorHandler, unknownRoute } from "../src/gateway/error-handler";
import { createLogger } from "../src/lib/logger";

interface Answer {
  status: number;
  text: string;
  body: any;
}

async function send(url: string, init: { method?: string; key?: string | null; body?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
  const headers: Record<string, string> = { "content-type": "application/json", ...init.headers };
  if (init.key) headers.authorization = `Bearer ${init.key}`;
  const response = await fetch(url, { method: init.method ?? (init.body === undefined ? "GET" : "POST"), headers, body: init.body });
  const text = await response.text();
  expect(response.headers.get("content-type")).toMatch(/^application\/json/);
  return { status: response.status, text, body: JSON.parse(text) };
}

/** Nothing of the server's insides: no HTML, no stack frame, no file path. */
function expectClean(answer: Answer): void {
  expect(answer.text).not.toMatch(/<html|<!DOCTYPE|<pre>/i);
  expect(answer.text).not.toMatch(/\bat \S+ \(|\bat \/|\.ts:\d+|\.js:\d+|node_modules|\/work\//);
}

function expectApiError(answer: Answer, status: number, code: string, field: string): void {
  expectClean(answer);
  expect(answer.status).toBe(status);
  expect(answer.body).toEqual({ error: { code, field, message: expect.any(String) } });
}

function expectGraphQLError(answer: Answer, status: number, code: string, field: string): void {
  expectClean(answer);
  expect(answer.status).toBe(status);
  expect(answer.body).toEqual({ errors: [{ message: expect.any(String), extensions: { code, field } }] });
}

const OVER_LIMIT = JSON.stringify({ query: "{ rulePacks { id } }", padding: "x".repeat(1_100_000) });

describe.each(testDatabases().map((db) => [db.name, db] as const))("errors outside the routes on %s", (_name, database) => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway(database);
  });
  afterAll(async () => {
    await t?.stop();
  });

  describe.each([["with a key", true], ["without a key", false]] as const)("%s", (_how, withKey) => {
    const key = () => (withKey ? t.keys.partner : null);

    it("answers malformed JSON with 400 in each protocol's shape", async () => {
      expectGraphQLError(await send(`${t.url}/graphql`, { key: key(), body: '{"query": "{ rulePacks { id } }"' }), 400, "INVALID_INPUT", "body");
      expectApiError(await send(`${t.url}/api/settlement/quote`, { key: key(), body: "{not json" }), 400, "INVALID_INPUT", "body");
    });

    it("answers a body over 1 MB with 413", async () => {
      expectGraphQLError(await send(`${t.url}/graphql`, { key: key(), body: OVER_LIMIT }), 413, "PAYLOAD_TOO_LARGE", "body");
      expectApiError(await send(`${t.url}/api/settlement/settle`, { key: key(), body: OVER_LIMIT }), 413, "PAYLOAD_TOO_LARGE", "body");
    });

    it("answers an unknown route with 404", async () => {
      expectGraphQLError(await send(`${t.url}/nothing/here`, { key: key() }), 404, "NOT_FOUND", "path");
      expectGraphQLError(await send(`${t.url}/healthz`, { key: key(), method: "DELETE" }), 404, "NOT_FOUND", "path");
      expectApiError(await send(`${t.url}/api/nothing`, { key: key(), body: "{}" }), 404, "NOT_FOUND", "path");
      expectApiError(await send(`${t.url}/api`, { key: key() }), 404, "NOT_FOUND", "path");
    });

    it("answers a request Express cannot read (a body in an unknown encoding, a malformed path) with 4xx JSON", async () => {
      const encoded = await send(`${t.url}/api/settlement/quote`, { key: key(), body: "{}", headers: { "content-encoding": "bogus" } });
      expectApiError(encoded, 415, "BAD_REQUEST", "body");
      expectGraphQLError(await send(`${t.url}/statements/%E0%A4%A/2024`, { key: key() }), 400, "BAD_REQUEST", "path");
    });
  });
});

describe("an error thrown inside Express", () => {
  let server: http.Server;
  let url = "";
  beforeAll(async () => {
    const app = express();
    const fault = () => {
      throw new Error("at secret (/work/main/src/secret.ts:12:3)");
    };
    app.get("/api/fault", fault);
    app.get("/graphql/fault", fault);
    app.use(unknownRoute());
    app.use(errorHandler(createLogger("silent")));
    server = http.createServer(app);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address() as { port: number };
    url = `http://127.0.0.1:${address.port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it("becomes 500 INTERNAL_SERVER_ERROR without its message or stack", async () => {
    expectApiError(await send(`${url}/api/fault`), 500, "INTERNAL_SERVER_ERROR", "");
    expectGraphQLError(await send(`${url}/graphql/fault`), 500, "INTERNAL_SERVER_ERROR", "");
  });
});
