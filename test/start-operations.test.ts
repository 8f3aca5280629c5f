/**
 * Starting and stopping the built gateway as an operator does: a mistake in the environment is one
 * line on stderr and exit 1 with nothing written; demo data only on the embedded default database
 * or with --demo; `.env` read with the environment winning; SIGTERM fails /readyz first, serves
 * through the drain period, then exits 0.
 */
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import type { ChildProcess } from "node:child_process";
import Database from "better-sqlite3";
import { distScript, runToEnd, startUntil, stop } from "./support/processes";

const START = distScript("start");
const LISTENING = /Press Ctrl-C to stop\./;
const mysqlUrl = process.env.TEST_MYSQL_URL;

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "medassist-ops-"));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Runs the start command expecting a refusal: exit 1 and exactly one line on stderr. */
async function refusedStart(env: Record<string, string>): Promise<string> {
  const result = await runToEnd(START, [], { LOG_LEVEL: "warn", PORT: "0", ...env });
  expect(result.code).toBe(1);
  const lines = result.stderr.split("\n").filter(Boolean);
  expect(lines).toHaveLength(1);
  expect(result.stdout).not.toMatch(/Gateway:|Demo ADMIN key/);
  return lines[0];
}

function urlOf(output: string): string {
  return /Gateway: (http:\/\/\S+?)\/ /.exec(output)![1];
}

describe("start-up refusals: one line, exit 1, nothing written", () => {
  it("a taken port, before the database is touched", async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const port = (taken.address() as net.AddressInfo).port;
    try {
      const line = await refusedStart({ DATABASE_URL: `sqlite:${path.join(dir, "data", "gateway.sqlite")}`, PORT: String(port) });
      expect(line).toBe(`cannot listen on 127.0.0.1:${port}: the port is already in use (set PORT)`);
      expect(fs.readdirSync(dir)).toEqual([]);
    } finally {
      taken.close();
    }
  });

  it("a SQLite path that cannot be created", async () => {
    fs.writeFileSync(path.join(dir, "a-file"), "");
    const location = path.join(dir, "a-file", "data", "gateway.sqlite");
    expect(await refusedStart({ DATABASE_URL: `sqlite:${location}` })).toBe(`cannot create or open the SQLite database at ${location}: ENOTDIR (set DATABASE_URL)`);
    expect(fs.readdirSync(dir)).toEqual(["a-file"]);
  });

  it.each([
    ["under /proc, where mkdir fails without end", () => "/proc/nope/x.sqlite"],
    ["two missing directories deep", () => path.join(dir, "missing", "data", "gateway.sqlite")],
  ])("a SQLite path %s", async (_where, locate) => {
    const location = locate();
    expect(await refusedStart({ DATABASE_URL: `sqlite:${location}` })).toBe(`cannot create or open the SQLite database at ${location}: ENOENT (set DATABASE_URL)`);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it("an unreachable database server", async () => {
    expect(await refusedStart({ DATABASE_URL: "mysql://app:secret@127.0.0.1:1/medassist" })).toBe("cannot reach the database server at 127.0.0.1:1: ECONNREFUSED (is it running? check DATABASE_URL)");
  });

  (mysqlUrl ? it : it.skip)("a MySQL database that does not exist", async () => {
    const url = new URL(mysqlUrl!);
    url.pathname = "/medassist_missing_db";
    expect(await refusedStart({ DATABASE_URL: url.toString() })).toBe(
      `database "medassist_missing_db" does not exist on ${url.hostname}:${url.port || 3306}: create it with CREATE DATABASE \`medassist_missing_db\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
    );
    const mysql2 = await import("mysql2/promise");
    const connection = await mysql2.createConnection(mysqlUrl!);
    try {
      const [rows] = await connection.query("SHOW DATABASES LIKE 'medassist_missing_db'");
      expect(rows).toEqual([]);
    } finally {
      await connection.end();
    }
  });
});

describe("a running gateway started by the operator", () => {
  let child: ChildProcess | null = null;
  afterEach(async () => {
    if (child) await stop(child);
    child = null;
  });

  it("loads no demo data and prints no key on a database given by DATABASE_URL", async () => {
    const file = path.join(dir, "given.sqlite");
    const started = await startUntil(START, [], { DATABASE_URL: `sqlite:${file}`, PORT: "0", LOG_LEVEL: "warn" }, LISTENING);
    child = started.child;
    expect(started.output()).not.toContain("Demo ADMIN key");
    const db = new Database(file, { readonly: true });
    try {
      expect(db.prepare("SELECT COUNT(*) AS n FROM beneficiaries").get()).toEqual({ n: 0 });
      expect(db.prepare("SELECT COUNT(*) AS n FROM api_keys").get()).toEqual({ n: 0 });
    } finally {
      db.close();
    }
  }, 90_000);

  it("on the embedded default loads the demo, reads .env under the environment, and drains on SIGTERM", async () => {
    const token = "metrics-token-from-dotenv-0123";
    // PORT in the file is invalid: the environment's PORT must win, or start-up would refuse it.
    fs.writeFileSync(path.join(dir, ".env"), `PORT=not-a-port\nMETRICS_TOKEN=${token}\nSHUTDOWN_DRAIN_SECONDS=2\n`);
    // NODE_ENV=production as operators run it: jest's NODE_ENV=test would hide a library that stops the server on SIGTERM by itself.
    const started = await startUntil(START, [], { DATABASE_URL: "", PORT: "0", LOG_LEVEL: "warn", NODE_ENV: "production" }, LISTENING, 90_000, dir);
    child = started.child;
    expect(started.output()).toMatch(/Demo ADMIN key \(shown once\): mak_/);
    expect(fs.existsSync(path.join(dir, "data", "gateway.sqlite"))).toBe(true);
    const url = urlOf(started.output());
    expect((await fetch(`${url}/metrics`)).status).toBe(403);
    expect((await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);

    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    const exited = new Promise<number | null>((resolve) => child!.once("exit", (code) => resolve(code)));
    const signalled = Date.now();
    child.kill("SIGTERM");
    let readiness = 200;
    while (readiness === 200 && Date.now() - signalled < 1500) readiness = (await fetch(`${url}/readyz`)).status;
    expect(readiness).toBe(503);
    // Still serving while draining.
    expect((await fetch(`${url}/livez`)).status).toBe(200);
    const graphql = await fetch(`${url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: "{ __typename }" }) });
    expect(graphql.status).toBe(401);
    expect(await exited).toBe(0);
    expect(Date.now() - signalled).toBeGreaterThanOrEqual(2000);
    child = null;
  }, 120_000);
});
