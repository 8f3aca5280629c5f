/**
 * The README's first command as a new user meets it: `npm start -- --demo` (here its built script) on an
 * empty SQLite database migrates, loads the packs and the demo data, prints the URL and a demo key;
 * the landing page runs a query with that key in a real browser; `apikey create` prints a working
 * key alone on its last line.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { ChildProcess } from "node:child_process";
import { chromium } from "playwright-core";
import { distScript, runToEnd, startUntil, stop } from "./support/processes";
import { chromiumPath, CHROMIUM_ARGS } from "./support/browser";
import { gql } from "./support/gateway";

let dir: string;
let child: ChildProcess;
let url: string;
let demoKey: string;
let env: Record<string, string>;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "medassist-start-"));
  env = { DATABASE_URL: `sqlite:${path.join(dir, "gateway.sqlite")}`, PORT: "0", LOG_LEVEL: "warn" };
  const started = await startUntil(distScript("start"), ["--demo"], env, /Demo ADMIN key \(shown once\): (mak_\S+)/);
  child = started.child;
  url = /Gateway: (http:\/\/\S+?)\/ /.exec(started.output())![1];
  demoKey = /Demo ADMIN key \(shown once\): (mak_\S+)/.exec(started.output())![1];
}, 90_000);

afterAll(async () => {
  if (child) await stop(child);
  fs.rmSync(dir, { recursive: true, force: true });
});

it("serves the demo data with the printed key: a settlement with its explanation", async () => {
  const result = await gql(url, demoKey, `{ claim(id: "DEMO-WEIHAI-DIBAO-1") { settlement { packId category selfPay lines { tier amount ruleId clause } } } }`);
  expect(result.errors).toBeUndefined();
  const settlement = result.data!.claim.settlement;
  expect(settlement).toMatchObject({ packId: "weihai", category: "DIBAO" });
  expect(settlement.lines.find((l: { tier: string }) => l.tier === "critical")).toMatchObject({ ruleId: "wh-critical-tilt", clause: "威医保发〔2022〕13号 三(二)" });
});

it("creates keys from the command line, printed alone on the last line, that work at once", async () => {
  const created = await runToEnd(distScript("apikey"), ["create", "--role", "PARTNER", "--jurisdiction", "weihai", "--name", "hospital HIS"], env);
  expect(created.code).toBe(0);
  const lines = created.stdout.trim().split("\n");
  const key = lines[lines.length - 1];
  expect(key).toMatch(/^mak_[a-z0-9]{12}_[A-Za-z0-9_-]{43}$/);
  const seen = await gql(url, key, `{ a: beneficiary(id: "DEMO-WEIHAI-DIBAO") { id } b: beneficiary(id: "DEMO-LIAOCHENG-DIBAO") { id } }`);
  expect(seen.data).toEqual({ a: { id: "DEMO-WEIHAI-DIBAO" }, b: null });
  const bad = await runToEnd(distScript("apikey"), ["create", "--role", "KING", "--name", "x"], env);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toContain("role");
});

const browser = chromiumPath();
(browser ? it : it.skip)("lets a person run a query on the landing page in a browser", async () => {
  const instance = await chromium.launch({ executablePath: browser!, args: CHROMIUM_ARGS });
  try {
    const page = await instance.newPage();
    await page.goto(`${url}/`);
    await page.fill("#key", demoKey);
    await page.click("#run");
    await page.waitForSelector("#result[data-status]");
    const text = await page.textContent("#result");
    expect(text).toContain("HTTP 200");
    expect(text).toContain("DEMO-");
    expect(text).toContain('"tier": "assistance"');
  } finally {
    await instance.close();
  }
}, 120_000);
if (!browser) console.warn("start-command.test: Debian's chromium is not installed; the landing-page browser test is skipped");
