/// <reference lib="dom" />
/**
 * The pages people use, in Debian's Chromium against the real gateway on SQLite and (with
 * TEST_MYSQL_URL) MariaDB, with the demo data: the charity office signs in with its key (a session
 * cookie, CSRF token on every POST), sees the database's numbers, allocates after a confirmation
 * of the fund-order plan, reads charts whose points are the fund report's, exports with Chinese
 * headers, and opens a household's 化解清单 by a signed link, printed to PDF.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as zlib from "node:zlib";
import ExcelJS from "exceljs";
import { chromium, type Browser, type Page } from "playwright-core";
import { Principal } from "../src/access/principal";
import { formatYuan } from "../src/lib/money";
import { createLogger } from "../src/lib/logger";
import { loadDemoData } from "../src/gateway/demo-data";
import { EntitlementEntity, LedgerEntryEntity } from "../src/charity/charity.entity";
import { checkStatementLink, statementLink } from "../src/pages/statement-links";
import { testDatabases } from "./support/databases";
import { startTestGateway, type TestGateway } from "./support/gateway";
import { chromiumPath, CHROMIUM_ARGS } from "./support/browser";

const browserPath = chromiumPath();
// The README's screenshots are taken again with UPDATE_SCREENSHOTS=1; otherwise a run leaves the tree as it was.
const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS === "1" ? path.join(__dirname, "..", "docs", "screenshots") : path.join(os.tmpdir(), "medassist-screenshots");

/** The content streams of each page of a PDF, inflated (Chromium writes one FlateDecode stream per page). */
function pdfPages(pdf: Buffer): string[] {
  const text = pdf.toString("latin1");
  const streams = new Map<string, string>();
  for (const m of text.matchAll(/(\d+) 0 obj\s*<<((?:(?!endobj)[^])*?)>>\s*stream\r?\n/g)) {
    const start = m.index! + m[0].length;
    const length = Number(/\/Length (\d+)/.exec(m[2])?.[1]);
    if (/FlateDecode/.test(m[2]) && length) streams.set(m[1], zlib.inflateSync(pdf.subarray(start, start + length)).toString("latin1"));
  }
  return [...text.matchAll(/\/Type\s*\/Page\b(?!s)([^]*?)endobj/g)].map((m) => streams.get(/\/Contents (\d+) 0 R/.exec(m[1])?.[1] ?? "") ?? "");
}

describe.each(testDatabases().map((db) => [db.name, db] as const))("pages for people on %s", (name, database) => {
  let t: TestGateway;
  let browser: Browser;
  let page: Page;
  const office = Principal.system("test");
  let year: number;

  beforeAll(async () => {
    t = await startTestGateway(database);
    await loadDemoData(t.services, createLogger("silent"));
    year = (await t.services.dataSource.manager.findOneByOrFail(EntitlementEntity, { beneficiaryId: "yueqing:DEMO-YQ-CHARITY-2" })).year;
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    if (browserPath) browser = await chromium.launch({ executablePath: browserPath, args: CHROMIUM_ARGS });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  it("refuses the page's data without a session, a POST without the CSRF token, and a partner key at sign-in", async () => {
    expect((await fetch(`${t.url}/charity/data/funds`)).status).toBe(401);
    const partner = await fetch(`${t.url}/charity/login`, { method: "POST", redirect: "manual", headers: { "content-type": "application/x-www-form-urlencoded" }, body: `key=${encodeURIComponent(t.keys.partner)}` });
    expect(partner.status).toBe(401);
    expect(partner.headers.get("set-cookie")).toBeNull();
    const signedIn = await fetch(`${t.url}/charity/login`, { method: "POST", redirect: "manual", headers: { "content-type": "application/x-www-form-urlencoded" }, body: `key=${encodeURIComponent(t.keys.charity)}` });
    expect(signedIn.status).toBe(303);
    const cookie = signedIn.headers.get("set-cookie")!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const session = cookie.split(";")[0];
    expect((await fetch(`${t.url}/charity/data/funds`, { headers: { cookie: session } })).status).toBe(200);
    const entries = await t.services.dataSource.manager.count(LedgerEntryEntity);
    const forged = await fetch(`${t.url}/charity/allocate`, { method: "POST", headers: { cookie: session, "content-type": "application/json" }, body: JSON.stringify({ entitlementId: `yueqing:DEMO-YQ-CHARITY-2/${year}`, requestId: "forged-0001" }) });
    expect(forged.status).toBe(403);
    expect(((await forged.json()) as { error: { code: string } }).error.code).toBe("FORBIDDEN");
    expect(await t.services.dataSource.manager.count(LedgerEntryEntity)).toBe(entries);
  });

  (browserPath ? it : it.skip)("signs in, shows the database's numbers, allocates by the fund-order plan, and the charts are the fund report", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
    page = await context.newPage();
    await page.goto(`${t.url}/charity`);
    await page.fill("#key", t.keys.charity);
    await Promise.all([page.waitForURL(`${t.url}/charity`), page.click("button[type=submit]")]);
    await page.waitForSelector("#entitlements tbody tr");
    const manager = t.services.dataSource.manager;
    const cells = async (id: string) => Object.fromEntries(await page.$$eval(`tr[data-entitlement="${id}"] td[data-field]`, (tds) => tds.map((td) => [(td as HTMLElement).dataset.field!, td.textContent!])));
    const openId = `yueqing:DEMO-YQ-CHARITY-2/${year}`;
    const open = await manager.findOneByOrFail(EntitlementEntity, { id: openId });
    expect(await cells(openId)).toEqual({ owed: formatYuan(open.amount), allocated: formatYuan(open.allocated), shortfall: formatYuan(open.outstanding) });
    // The filters: a year with nothing lists nothing; the resolved household is listed with 全部.
    await page.fill("#f-year", "1999");
    await page.click("#f-apply");
    await page.waitForFunction(() => document.querySelectorAll("#entitlements tbody tr").length === 0);
    await page.fill("#f-year", String(year));
    await page.selectOption("#f-status", "");
    await page.click("#f-apply");
    await page.waitForSelector(`tr[data-entitlement="yueqing:DEMO-YQ-CHARITY-1/${year}"]`);
    const resolved = await manager.findOneByOrFail(EntitlementEntity, { id: `yueqing:DEMO-YQ-CHARITY-1/${year}` });
    expect((await cells(resolved.id)).allocated).toBe(formatYuan(resolved.allocated));

    // The confirmation shows the plan the fund-order rule gives, then the allocation is in the ledger.
    const plan = await t.services.charity.plan(new Principal("t", "CHARITY", []), openId);
    await page.click(`tr[data-entitlement="${openId}"] button.allocate`);
    await page.waitForSelector("#confirm[open]");
    const shown = await page.$$eval("#plan tbody tr", (rows) => rows.map((r) => [(r as HTMLElement).dataset.fund, r.children[2].textContent]));
    expect(shown).toEqual(plan.parts.map((p) => [p.fundId, formatYuan(p.amount)]));
    expect(await page.textContent("#plan-shortfall")).toBe(formatYuan(plan.shortfall));
    if (name === "sqlite") await page.screenshot({ path: path.join(SCREENSHOTS, "charity-allocate.png") });
    await page.fill("#plan-reason", "页面化解测试");
    await page.click("#plan-ok");
    await page.waitForFunction(() => /已化解/.test(document.getElementById("message")!.textContent!));
    const entries = await manager.find(LedgerEntryEntity, { where: { entitlementId: openId, type: "ALLOCATION" } });
    expect(entries.map((e) => [e.fundId, formatYuan(e.amount), e.reason])).toEqual(plan.parts.map((p) => [p.fundId, formatYuan(p.amount), "页面化解测试"]));
    const after = await manager.findOneByOrFail(EntitlementEntity, { id: openId });
    await page.waitForFunction(([id, text]) => document.querySelector(`tr[data-entitlement="${id}"] td[data-field="allocated"]`)?.textContent === text, [openId, formatYuan(after.allocated)] as const);

    // Every chart point is the fund report's: each month's income and allocations, and the last balance.
    await page.waitForFunction(() => (window as any).echarts?.getInstanceByDom(document.getElementById("chart-flows"))?.getOption().series.some((s: any) => s.name.endsWith("化解") && s.data.some((v: string) => v !== "0.00")));
    const options = await page.evaluate(() => {
      const echarts = (window as any).echarts;
      const flows = echarts.getInstanceByDom(document.getElementById("chart-flows")).getOption();
      const balance = echarts.getInstanceByDom(document.getElementById("chart-balance")).getOption();
      return { months: flows.xAxis[0].data as string[], flows: flows.series.map((s: any) => [s.id, s.data]), balance: balance.series.map((s: any) => [s.id, s.data[s.data.length - 1][1]]) };
    });
    const funds = await t.services.charity.funds(office);
    expect(funds.length).toBe(2);
    for (const fund of funds) {
      for (const [i, month] of options.months.entries()) {
        const last = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5)), 0)).toISOString().slice(0, 10);
        const report = await t.services.charity.fundReport(office, fund.id, `${month}-01`, last);
        expect(options.flows.find(([id]: [string]) => id === `${fund.id}:income`)[1][i]).toBe(report.income.toFixed(2));
        expect(options.flows.find(([id]: [string]) => id === `${fund.id}:allocations`)[1][i]).toBe(report.allocations.toFixed(2));
      }
      const whole = await t.services.charity.fundReport(office, fund.id, "2000-01-01", options.months[options.months.length - 1] + "-28");
      expect(options.balance.find(([id]: [string]) => id === fund.id)[1]).toBe(whole.closingBalance.toFixed(2));
    }
    if (name === "sqlite") await page.screenshot({ path: path.join(SCREENSHOTS, "charity-page.png"), fullPage: true });
  }, 120_000);

  (browserPath ? it : it.skip)("exports the ledger, entitlements and settlements as CSV and xlsx with Chinese headers", async () => {
    const cookies = await page.context().cookies();
    const cookie = cookies.map((c) => `${c.name}=${c.value}`).join("; ");
    const manager = t.services.dataSource.manager;
    const csv = await (await fetch(`${t.url}/charity/export/ledger.csv`, { headers: { cookie } })).text();
    const lines = csv.replace(/^\uFEFF/, "").trim().split("\n");
    expect(lines[0]).toBe("分录号,基金,类型,收支,金额（元）,变动后余额（元）,人员编号,冲正分录号,事由,经办密钥,时间");
    expect(lines.length - 1).toBe(await manager.count(LedgerEntryEntity));
    expect(csv).toContain("化解支出");
    const xlsx = await fetch(`${t.url}/charity/export/settlements.xlsx`, { headers: { cookie } });
    expect(xlsx.status).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(await xlsx.arrayBuffer()) as never);
    const sheet = workbook.worksheets[0];
    expect(sheet.getRow(1).getCell(6).value).toBe("救助身份");
    const demoRow = sheet.getRows(2, sheet.rowCount - 1)!.find((r) => r.getCell(2).value === "DEMO-YQ-CHARITY-1")!;
    expect(demoRow.getCell(6).value).toBe("低保对象");
    expect(demoRow.getCell(7).value).toBe("400000.00");
    const entitlements = await (await fetch(`${t.url}/charity/export/entitlements.csv`, { headers: { cookie } })).text();
    expect(entitlements).toContain("已化解");
  }, 120_000);

  (browserPath ? it : it.skip)("opens the 化解清单 by a signed link that grants that statement only, as an official document printed to PDF", async () => {
    const [statementPage] = await Promise.all([page.context().waitForEvent("page"), page.click(`tr[data-entitlement="yueqing:DEMO-YQ-CHARITY-1/${year}"] button.statement`)]);
    await statementPage.waitForLoadState();
    const link = statementPage.url();
    expect(link).toMatch(/\/shared\/statements\/yueqing\/DEMO-YQ-CHARITY-1\/\d{4}\?expires=\d+&signature=[0-9a-f]{64}$/);
    const statement = await t.services.charity.statement(office, "DEMO-YQ-CHARITY-1", year, "yueqing");
    const text = async (id: string) => (await statementPage.textContent(`[data-testid="${id}"]`))!.trim();
    expect(await text("serial")).toBe(statement.serial);
    expect(await text("categories")).toBe("低保对象");
    expect(await text("still-pays")).toBe(formatYuan(statement.stillPays));
    expect(await text("charity-allocated")).toBe("70,000.00");
    expect(await statementPage.$$eval('[data-testid="allocation-reason"]', (tds) => tds.map((td) => td.textContent))).toEqual(statement.allocations.map((a) => a.reason));
    const body = (await statementPage.textContent("body"))!;
    expect(body).toContain("困难群众医疗救助：不设起付线，80%，每人每年10万元");
    expect(body).toContain("（盖章）");
    expect(body).toContain("经办人签字");
    if (name === "sqlite") await statementPage.screenshot({ path: path.join(SCREENSHOTS, "statement.png"), fullPage: true });

    // Another household or year under the same signature, a forged signature, or an expired link: refused.
    for (const other of [link.replace("DEMO-YQ-CHARITY-1", "DEMO-YQ-CHARITY-2"), link.replace(`/${year}?`, `/${year - 1}?`), link.replace(/.$/, (c) => (c === "0" ? "1" : "0"))]) {
      expect((await fetch(other)).status).toBe(403);
    }
    // The link's own expiry: fine until then, refused after (the gateway's secret is its own).
    const secret = Buffer.from("a test secret of at least thirty-two characters");
    const ref = { jurisdiction: "yueqing", beneficiaryId: "DEMO-YQ-CHARITY-1", year };
    const query = Object.fromEntries(new URL(`http://x${statementLink(secret, ref, 30)}`).searchParams);
    expect(() => checkStatementLink(secret, ref, query, Date.now() + 29 * 60_000)).not.toThrow();
    expect(() => checkStatementLink(secret, ref, query, Date.now() + 31 * 60_000)).toThrow(/已过期/);

    // Printed: the button is not, every page carries text, and the seal and signatures are on the last.
    await statementPage.emulateMedia({ media: "print" });
    expect(await statementPage.isVisible(".noprint")).toBe(false);
    const pdf = await statementPage.pdf({ format: "A4", printBackground: true });
    const pages = pdfPages(pdf);
    expect(pages.length).toBeGreaterThanOrEqual(1);
    for (const content of pages) expect(content).toMatch(/BT[^]*?(Tj|TJ)[^]*?ET/);
  }, 120_000);
});
