/**
 * `npm start -- --workers N` as an operator runs it (the built script): on MariaDB two workers share
 * the port, the primary loads the demo data once and prints one banner, a worker killed outright is
 * replaced while the other answers, and SIGTERM stops them all. On SQLite more than one worker is
 * refused before anything is written.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { ChildProcess } from "node:child_process";
import { distScript, runToEnd, startUntil } from "./support/processes";
import { testDatabases, type TestDatabase } from "./support/databases";
import { gql } from "./support/gateway";

it("refuses more than one worker on SQLite, in one line, writing nothing", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "medassist-workers-"));
  try {
    const file = path.join(dir, "gateway.sqlite");
    const run = await runToEnd(distScript("start"), ["--workers", "2"], { DATABASE_URL: `sqlite:${file}`, PORT: "0", LOG_LEVEL: "warn" });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("--workers 2: SQLite has one writer per file");
    expect(fs.existsSync(file)).toBe(false);
    const malformed = await runToEnd(distScript("start"), ["--workers", "two"], { DATABASE_URL: `sqlite:${file}`, PORT: "0", LOG_LEVEL: "warn" });
    expect(malformed.code).toBe(1);
    expect(malformed.stderr).toContain("--workers: a whole number");
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

const mariadb = testDatabases().find((database) => database.name === "mariadb");
if (!mariadb) console.warn("start-workers.test: TEST_MYSQL_URL is not set; the MariaDB workers test is skipped");

/** Resolves once `output()` matches `pattern` (checked as output arrives; jest's timeout bounds the wait). */
function outputMatching(child: ChildProcess, output: () => string, pattern: RegExp): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const match = pattern.exec(output());
      if (!match) return;
      child.stdout!.off("data", check);
      child.off("exit", exited);
      resolve(match);
    };
    const exited = (code: number | null) => reject(new Error(`the primary exited with ${code}:\n${output()}`));
    child.stdout!.on("data", check);
    child.once("exit", exited);
    check();
  });
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

(mariadb ? describe : describe.skip)("two workers on MariaDB", () => {
  const database = mariadb as TestDatabase;
  let child: ChildProcess;
  let output: () => string;
  let url: string;
  let demoKey: string;

  beforeAll(async () => {
    const config = await database.create();
    const env = { DATABASE_URL: config.location, PORT: "0", LOG_LEVEL: "warn", SHUTDOWN_DRAIN_SECONDS: "1" };
    const started = await startUntil(distScript("start"), ["--workers", "2", "--demo"], env, /Press Ctrl-C to stop\./, 120_000);
    child = started.child;
    output = started.output;
    url = /Gateway: (http:\/\/\S+?)\/ /.exec(output())![1];
    demoKey = /Demo ADMIN key \(shown once\): (mak_\S+)/.exec(output())![1];
  }, 150_000);

  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill("SIGKILL");
      for (const [, pid] of output().matchAll(/Worker (\d+) listening/g)) if (alive(Number(pid))) process.kill(Number(pid), "SIGKILL");
    }
    await database.drop();
  });

  const demoSettlement = async () => {
    const result = await gql(url, demoKey, `{ claim(id: "DEMO-WEIHAI-DIBAO-1") { settlement { packId } } }`);
    expect(result.errors).toBeUndefined();
    expect(result.data!.claim.settlement.packId).toBe("weihai");
  };

  it("starts two listening workers behind one banner, the demo data loaded once", async () => {
    const pids = [...output().matchAll(/Worker (\d+) listening/g)].map((match) => Number(match[1]));
    expect(new Set(pids).size).toBe(2);
    expect(pids.every(alive)).toBe(true);
    expect(output().match(/Gateway: /g)).toHaveLength(1);
    expect(output()).toContain("Workers: 2 processes share the port");
    await demoSettlement();
  });

  it("survives each original worker being killed outright: the other answers, and a new one takes its place", async () => {
    const [first, second] = [...output().matchAll(/Worker (\d+) listening/g)].map((match) => Number(match[1]));
    for (const [round, pid] of [first, second].entries()) {
      process.kill(pid, "SIGKILL");
      await outputMatching(child, output, new RegExp(`Worker ${pid} exited \\(SIGKILL\\); starting another`));
      await demoSettlement();
      // Two workers listen again: the originals' count plus one replacement per round.
      await outputMatching(child, output, new RegExp(`(?:Worker \\d+ listening[\\s\\S]*){${3 + round}}`));
      await demoSettlement();
    }
  }, 150_000);

  it("stops every worker on SIGTERM and exits 0", async () => {
    const pids = [...output().matchAll(/Worker (\d+) listening/g)].map((match) => Number(match[1]));
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(pids.filter(alive)).toEqual([]);
  }, 60_000);
});
