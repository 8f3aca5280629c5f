/**
 * Transitional periods (过渡期): a rule that holds during a transition says so in its figures and
 * words; after the end its tier pays nothing with the reason TRANSITION_ENDED; an end date left
 * unset keeps the transition running; a pack's transitions and `date` parameters are checked.
 */
import * as fs from "node:fs";
import { AnnualAccounts } from "../src/engine/annual-accounts";
import { compilePack } from "../src/engine/compiled-pack";
import { explainLine } from "../src/engine/explain-line";
import { readBeneficiary, readClaim } from "../src/engine/input";
import type { PackRegistry } from "../src/engine/pack-registry";
import type { Settlement } from "../src/engine/types";
import { DomainError } from "../src/lib/errors";
import { projectPath } from "../src/lib/project";
import { shippedPacks } from "./support/packs";

let registry: PackRegistry;
beforeAll(async () => {
  registry = await shippedPacks();
});

const nearDibao = { id: "WH-TT-1", identities: [{ category: "NEAR_DIBAO", from: "2022-05-01", to: null }] };
const bill = (id: string, date: string) => ({
  id,
  date,
  kind: "INPATIENT",
  fees: { total: "30000.00", outOfCatalog: "0.00", classBSelfPay: "0.00", overStandard: "0.00" },
  reported: { basic: "3000.00", critical: "0.00" },
});

function settleWeihai(claimRaw: object, overrides: Record<string, string> = {}): Settlement {
  const beneficiary = readBeneficiary(nearDibao);
  const claim = readClaim(claimRaw, beneficiary.id);
  return new AnnualAccounts().settle(registry.packFor("weihai", claim.date).withParameters(overrides), beneficiary, claim);
}

function assistance(settlement: Settlement) {
  return settlement.lines.find((l) => l.tier === "assistance")!;
}

describe("a rule of a transitional period", () => {
  it("names the period and its end in the line's figures and explanation", () => {
    const line = assistance(settleWeihai(bill("WH-TT-1-1", "2025-12-31"), { povertyAlleviationTransitionEnd: "2025-12-31" }));
    expect(line.amount.toFixed(2)).toBe("10000.00");
    expect(line.figures).toMatchObject({ transition: "脱贫攻坚过渡期", transitionEnds: "2025-12-31" });
    expect(explainLine(line, "NEAR_DIBAO")).toBe("医疗救助 10,000.00 元：低保边缘家庭成员，脱贫攻坚过渡期内（至 2025-12-31），先扣起付线余额 3,000.00 元，按 50% 救助，年度限额尚余 0.00 元。");
    expect(explainLine(line, "NEAR_DIBAO", "EN")).toContain("during the transitional period (脱贫攻坚过渡期, until 2025-12-31)");
  });

  it("pays nothing after the end, with the reason TRANSITION_ENDED and the date", () => {
    const line = assistance(settleWeihai(bill("WH-TT-1-2", "2026-01-01"), { povertyAlleviationTransitionEnd: "2025-12-31" }));
    expect(line).toMatchObject({ reason: "TRANSITION_ENDED", ruleId: null, figures: { transition: "脱贫攻坚过渡期", transitionEnded: "2025-12-31" } });
    expect(line.amount.isZero()).toBe(true);
    expect(explainLine(line, "NEAR_DIBAO")).toBe("医疗救助 0.00 元：脱贫攻坚过渡期已于 2025-12-31 结束，按普通规定无此待遇。");
  });

  it("keeps applying while the end date has no value, and says the end is not set", () => {
    const line = assistance(settleWeihai(bill("WH-TT-1-3", "2026-06-01")));
    expect(line.amount.toFixed(2)).toBe("10000.00");
    expect(line.figures).toMatchObject({ transition: "脱贫攻坚过渡期", transitionEnds: "" });
    expect(explainLine(line, "NEAR_DIBAO")).toContain("脱贫攻坚过渡期内（结束日期未定）");
  });

  it("is not marked on a rule that holds outside any transition", () => {
    const beneficiary = readBeneficiary({ id: "WH-TT-2", identities: [{ category: "DIBAO", from: "2022-05-01", to: null }] });
    const claim = readClaim(bill("WH-TT-2-1", "2026-01-01"), beneficiary.id);
    const settlement = new AnnualAccounts().settle(registry.packFor("weihai", claim.date).withParameters({ povertyAlleviationTransitionEnd: "2025-12-31" }), beneficiary, claim);
    expect(assistance(settlement).figures.transition).toBeUndefined();
    expect(assistance(settlement).amount.toFixed(2)).toBe("18900.00");
  });
});

describe("checking transitions", () => {
  const weihai = () => JSON.parse(fs.readFileSync(projectPath("rules-json", "weihai.json"), "utf8"));

  async function problemsOf(document: unknown): Promise<string[]> {
    try {
      await compilePack(document, "test-pack");
    } catch (error) {
      if (error instanceof DomainError && error.code === "INVALID_PACK") return [...error.details];
      throw error;
    }
    throw new Error("expected the pack to be refused");
  }

  it("refuses a condition on a transition the pack does not declare, and an end that is not a date parameter", async () => {
    const document = weihai();
    document.tiers.assistance.rules[1].conditions.all.push({ fact: "transitions", operator: "contains", value: "noSuchTransition" });
    document.transitions[1].to = { param: "assistanceNearDibaoCap" };
    const problems = await problemsOf(document);
    expect(problems).toContain("tiers.assistance.rules[1].conditions: transition noSuchTransition is not a transition of the pack");
    expect(problems).toContain('transitions[1].to: parameter "assistanceNearDibaoCap" has unit CNY, expected date');
  });

  it("refuses a transitions test where the rules are not chosen by transitions: early warning and the order of funds", async () => {
    const read = (id: string) => JSON.parse(fs.readFileSync(projectPath("rules-json", `${id}.json`), "utf8"));
    const liaocheng = read("liaocheng");
    liaocheng.earlyWarning.rules[0].conditions.all.push({ fact: "transitions", operator: "contains", value: "x" });
    expect(await problemsOf(liaocheng)).toContain("earlyWarning.rules[0].conditions: early-warning rules do not test transitional periods");
    const yueqing = read("yueqing");
    yueqing.charityFunding.rules[0].conditions.all.push({ fact: "transitions", operator: "contains", value: "x" });
    expect(await problemsOf(yueqing)).toContain("charityFunding.rules[0].conditions: the order of funds does not depend on transitional periods");
  });

  it("refuses an end date that is not a calendar date, in the pack and as an override", async () => {
    const document = weihai();
    document.parameters.povertyAlleviationTransitionEnd.value = "2025-02-30";
    expect(await problemsOf(document)).toContain('parameters.povertyAlleviationTransitionEnd: "2025-02-30" is not a calendar date (YYYY-MM-DD)');
    const pack = registry.packFor("weihai", "2023-01-01");
    expect(() => pack.withParameters({ povertyAlleviationTransitionEnd: "31.12.2025" })).toThrow(expect.objectContaining({ code: "INVALID_DATE", field: "parameters.povertyAlleviationTransitionEnd" }));
  });
});

describe("premium years with both a transition and phase-outs", () => {
  // 东至 with a 渐退期 of 返贫致贫人口 added (a test pack: 东至's text has no phase-out): a phase-out
  // ranks as its category in 就高, and its subsidy ends with the transition like a certification's.
  async function dongzhiWithPhaseOut() {
    const document = JSON.parse(fs.readFileSync(projectPath("rules-json", "dongzhi.json"), "utf8"));
    document.premiumSubsidy.phaseOut = { categories: ["RELAPSED_POOR"], clause: "test" };
    const pack = await compilePack(document, "dongzhi-with-phase-out");
    return pack.withParameters({ povertyAlleviationTransitionEnd: "2025-12-31", premiumIndividualContribution: "400.00" });
  }

  it("a phase-out with a transitional subsidy outranks a lower category, then gives way to it after the transition", async () => {
    const pack = await dongzhiWithPhaseOut();
    const beneficiary = readBeneficiary({
      id: "DZ-TP-1",
      identities: [{ category: "MONITORED", from: "2023-01-01", to: null }],
      phaseOuts: [{ category: "RELAPSED_POOR", from: "2025-01-01", to: "2026-12-31" }],
    });
    const year = (y: number) => {
      const r = pack.premium!.compute(beneficiary, y, pack.precedence, pack.parameters, pack.transitions);
      return { category: r.category, phaseOut: r.phaseOut, rule: r.ruleId, amount: r.amount?.toFixed(2) ?? null };
    };
    // 2025, in the transition: 返贫致贫 80% × 400.00 = 320.00, held as a phase-out.
    expect(year(2025)).toEqual({ category: "RELAPSED_POOR", phaseOut: true, rule: "dz-premium-relapsed", amount: "320.00" });
    // 2026, after it: the phase-out's category has no subsidy; 监测 50% × 400.00 = 200.00.
    expect(year(2026)).toEqual({ category: "MONITORED", phaseOut: false, rule: "dz-premium-monitored", amount: "200.00" });
  });

  it("a phase-out alone after the transition subsidises nothing", async () => {
    const pack = await dongzhiWithPhaseOut();
    const beneficiary = readBeneficiary({ id: "DZ-TP-2", identities: [], phaseOuts: [{ category: "RELAPSED_POOR", from: "2025-01-01", to: "2026-12-31" }] });
    const result = pack.premium!.compute(beneficiary, 2026, pack.precedence, pack.parameters, pack.transitions);
    expect({ category: result.category, phaseOut: result.phaseOut, rule: result.ruleId, amount: result.amount }).toEqual({ category: "RELAPSED_POOR", phaseOut: true, rule: null, amount: null });
  });
});
