/**
 * Settlement lines in words (explainLine): the sentences from the figures, and the same sentence
 * wherever a line is shown — GraphQL's `explanation(language)`, /api, and the 化解清单.
 */
import { Principal } from "../src/access/principal";
import { explainLine } from "../src/engine/explain-line";
import { money } from "../src/lib/money";
import { testDatabases } from "./support/databases";
import { gql, startTestGateway, type TestGateway } from "./support/gateway";

const computed = (tier: string, amount: string, figures: Record<string, string>, reason: string | null = null) => ({ tier, amount: money(amount), source: "COMPUTED", figures, reason });

describe("explainLine", () => {
  it("tells a computed line's deductible, ratio and the cap left after it, with the category, in Chinese and English", () => {
    const line = computed("assistance", "38000.00", { deductible: "0.00", deductibleLeft: "0.00", ratio: "0.8", base: "47500.00", cap: "100000.00", capLeft: "100000.00" });
    expect(explainLine(line, "DIBAO")).toBe("医疗救助 38,000.00 元：低保对象，起付线已扣完，按 80% 救助，年度限额尚余 62,000.00 元。");
    expect(explainLine(line, "DIBAO", "EN")).toBe("Medical assistance 38,000.00 yuan: subsistence-allowance (dibao) recipient, deductible already met, 80% paid, 62,000.00 yuan of the annual cap left.");
  });

  it("tells a deductible still to pass, no cap, full cover, a charity threshold and insurance as reimbursed", () => {
    expect(explainLine(computed("critical", "1200.00", { deductibleLeft: "15000.00", ratio: "0.6", cap: "none", capLeft: "none" }), null)).toBe("大病保险 1,200.00 元：先扣起付线余额 15,000.00 元，按 60% 报销，不设年度限额。");
    expect(explainLine(computed("assistance", "500.00", { ratio: "1", cap: "none", capLeft: "none" }), "DESTITUTE")).toBe("医疗救助 500.00 元：特困人员，政策范围内全额兜底，不设年度限额。");
    expect(explainLine(computed("charity", "70000.00", { threshold: "50000.00", deductibleLeft: "50000.00", cap: "none", capLeft: "none" }), "DIBAO")).toBe("慈善化解 70,000.00 元：低保对象，年度自负超过 50,000.00 元的部分予以化解。");
  });

  it("tells why a line paid nothing, and a reported line as reported", () => {
    expect(explainLine(computed("assistance", "0.00", { deductible: "3000.00", cap: "60000.00", capLeft: "0.00" }, "CAP_USED_UP"), "DIBAO")).toBe("医疗救助 0.00 元：年度限额 60,000.00 元已用完。");
    expect(explainLine(computed("reassistance", "0.00", { deductible: "5000.00" }, "UNDER_THRESHOLD"), null, "EN")).toBe("Re-assistance 0.00 yuan: the year's costs have not passed the deductible of 5,000.00 yuan.");
    expect(explainLine({ tier: "basic", amount: money("150000.00"), source: "REPORTED", figures: {}, reason: null }, "DIBAO")).toBe("基本医保 150,000.00 元：由经办机构结算后报送。");
  });
});

describe.each(testDatabases().map((db) => [db.name, db] as const))("explanations through the gateway on %s", (_name, database) => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway(database);
  }, 120_000);
  afterAll(async () => {
    await t?.stop();
  });

  it("gives every line the same sentence on GraphQL (ZH and EN), /api and the statement", async () => {
    const settled = await fetch(`${t.url}/api/settlement/settle`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${t.keys.admin}` },
      body: JSON.stringify({
        beneficiary: { id: "EX-1", jurisdiction: "yueqing", name: "EX-1", identities: [{ category: "DIBAO", from: "2022-01-01", to: null }] },
        claim: { id: "EX-1-1", beneficiaryId: "EX-1", date: "2023-05-01", kind: "INPATIENT", fees: { total: "400000.00", outOfCatalog: "40000.00", classBSelfPay: "10000.00", overStandard: "0.00" }, reported: { basic: "150000.00", critical: "0.00", commercial: "30000.00" } },
      }),
    });
    expect(settled.status).toBe(200);
    const api = (await settled.json()) as { lines: Array<{ tier: string; explanation: string; explanationEn: string }> };
    const result = await gql(t.url, t.keys.admin, `{ claim(id: "EX-1-1") { settlement { category lines { tier amount source reason figures zh: explanation en: explanation(language: EN) } } } }`);
    expect(result.errors).toBeUndefined();
    const settlement = result.data!.claim.settlement;
    const statement = await t.services.charity.statement(Principal.system("test"), "EX-1", 2023);
    for (const line of settlement.lines) {
      const expected = explainLine({ ...line, amount: money(line.amount) }, settlement.category);
      expect(line.zh).toBe(expected);
      expect(line.en).toBe(explainLine({ ...line, amount: money(line.amount) }, settlement.category, "EN"));
      expect(api.lines.find((l) => l.tier === line.tier)!.explanation).toBe(expected);
      expect(api.lines.find((l) => l.tier === line.tier)!.explanationEn).toBe(line.en);
      expect(statement.claims[0].lines.find((l) => l.tier === line.tier)!.explanation).toBe(expected);
    }
    expect(settlement.lines.find((l: { tier: string }) => l.tier === "assistance").zh).toBe("医疗救助 100,000.00 元：低保对象，起付线已扣完，按 80% 救助，年度限额尚余 0.00 元。");
  }, 120_000);
});
