/**
 * The plugin's client components in Debian's Chromium against a real NocoBase app's server actions:
 * a case worker signs in, opens a case, presses 试算 and 结算 and reads the amounts in the 结算明细
 * block, prints the household's 化解清单; an administrator switches the mode on the settings page.
 */
import assert from "node:assert/strict";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import { chromium, type Browser, type Page } from "playwright-core";
import { chromiumPath, CHROMIUM_ARGS } from "../../../test/support/browser";
import { CLIENT_PREFIX, serveClientPage } from "./support/client-page";
import { REPOSITORY_DIR, ROOT_ACCOUNT, startNocoBase, type TestNocoBase } from "./support/nocobase";
import { caseValues, expectedWriteBack, sharedScenario, writtenBack } from "./support/scenarios";

const executablePath = chromiumPath();
const scenario = sharedScenario("liaocheng-dibao-single.json");
const claim = scenario.claims[0];
/** "14000.00" as the page shows it. */
const shown = (amount: string) => amount.replace(/\B(?=(\d{3})+(?!\d))(?=.*\.)/g, ",");

describe("the client components in Chromium", { skip: executablePath ? false : "Debian's chromium is not installed" }, () => {
  let nocobase: TestNocoBase;
  let root: string;
  let browser: Browser;
  let page: Page;
  let caseId: number;

  before(async () => {
    nocobase = await startNocoBase({}, "sqlite", serveClientPage);
    root = await nocobase.signIn(ROOT_ACCOUNT.account, ROOT_ACCOUNT.password);
    const created = await nocobase.api("POST", "medassistCases:create", { token: root, body: caseValues(scenario, claim, "PAGE-LC-1") });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    caseId = created.body.data.id;
    browser = await chromium.launch({ executablePath: executablePath!, args: CHROMIUM_ARGS });
    page = await browser.newPage();
    await page.goto(`${nocobase.url}${CLIENT_PREFIX}index.html`);
    await page.fill("input[name=account]", ROOT_ACCOUNT.account);
    await page.fill("input[name=password]", ROOT_ACCOUNT.password);
    await page.getByRole("button", { name: "登录", exact: true }).click();
  });

  after(async () => {
    await browser?.close();
    await nocobase?.stop();
  });

  const getCase = async () => (await nocobase.api("GET", "medassistCases:get", { token: root, query: { filterByTk: caseId } })).body.data;
  const blockAmounts = async () => {
    const amounts: Record<string, string> = {};
    for (const row of await page.locator(".settlement-block tr[data-tier]").all()) amounts[(await row.getAttribute("data-tier"))!] = await row.locator("td.amount").innerText();
    amounts.selfPay = await page.locator(".settlement-block [data-name=selfPay] strong").innerText();
    return amounts;
  };
  /** The scenario's expected amounts as the block shows them: every layer, and self-pay. */
  const expectedShown = () => Object.fromEntries(Object.entries(expectedWriteBack(claim)).map(([field, amount]) => [field === "selfPay" ? field : field.replace(/^paid/, "").toLowerCase(), shown(amount)]));

  test("试算 shows each layer's amount, clause and reason and stores nothing; 结算 shows and writes back the same", async () => {
    await page.click(`button[data-action=open][data-case="${caseId}"]`);
    await page.getByRole("button", { name: "试算", exact: true }).click();
    await page.waitForSelector(".settlement-block[data-state=quoted]");
    assert.deepEqual(await blockAmounts(), expectedShown());
    assert.match(await page.locator(".settlement-block tr[data-tier=assistance]").innerText(), /医疗救助\s+14,000\.00\s+聊政办发/);
    assert.equal((await getCase()).settlementStatus, null, "a quote stores nothing");

    await page.getByRole("button", { name: "结算", exact: true }).click();
    await page.waitForSelector(".settlement-block[data-state=settled]");
    assert.deepEqual(await blockAmounts(), expectedShown());
    assert.deepEqual(writtenBack(await getCase()), expectedWriteBack(claim));
    await page.waitForFunction(() => document.querySelector("[data-field=settlementStatus]")?.textContent === "已结算");
    // The picture of a settled case in the repository's README.
    // The README's screenshot is taken again with UPDATE_SCREENSHOTS=1; otherwise a run leaves the tree as it was.
    const screenshots = process.env.UPDATE_SCREENSHOTS === "1" ? path.join(REPOSITORY_DIR, "docs", "screenshots") : os.tmpdir();
    await page.screenshot({ path: path.join(screenshots, "nocobase-case.png"), fullPage: true });
  });

  test("打印化解清单 opens the household's statement of the year, with the statement's figures", async () => {
    const statement = (await nocobase.api("GET", "settlement:statement", { token: root, query: { filterByTk: caseId } })).body.data;
    const [popup] = await Promise.all([page.waitForEvent("popup"), page.getByRole("button", { name: "打印化解清单", exact: true }).click()]);
    await popup.waitForSelector("[data-name=selfPayBeforeCharity]");
    assert.equal(await popup.locator("h1").innerText(), "医疗费用化解清单 · 2023");
    assert.equal(await popup.locator("[data-name=billTotal]").innerText(), `医疗总费用：${shown(statement.billTotal)} 元`);
    assert.equal(await popup.locator("[data-name=selfPayBeforeCharity]").innerText(), `慈善前自付：${shown(claim.expect!.selfPay)} 元`);
    await popup.close();
  });

  test("the settings page switches to gateway mode without a restart and never shows the key", async () => {
    await page.click("#show-settings");
    await page.waitForSelector("input[name=gatewayKey][placeholder='尚未设置密钥']");
    await page.check("input[name=mode][value=gateway]");
    await page.fill("input[name=gatewayUrl]", "http://127.0.0.1:9");
    await page.fill("input[name=gatewayKey]", "page-test-key-1");
    await page.getByRole("button", { name: "保存", exact: true }).click();
    await page.waitForSelector("input[name=gatewayKey][placeholder='已设置密钥；留空则保持不变']");
    assert.equal(await page.inputValue("input[name=gatewayKey]"), "");
    assert.equal((await page.content()).includes("page-test-key-1"), false);

    // The next 试算 goes to the gateway named on the page, which does not answer.
    await page.click("#show-cases");
    await page.click(`button[data-action=open][data-case="${caseId}"]`);
    await page.getByRole("button", { name: "试算", exact: true }).click();
    await page.waitForSelector(".settlement-block[data-state=refused]");
    assert.equal(await page.locator(".refusal").getAttribute("data-code"), "GATEWAY_UNAVAILABLE");
  });
});
