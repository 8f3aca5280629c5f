/**
 * Settlement explanations and refusals: every amount says which rule of which pack version paid it,
 * under which clause, with which figures; every 0 where money might be expected says why; refused
 * claims change nothing.
 */
import { AnnualAccounts } from "../src/engine/annual-accounts";
import { readBeneficiary, readClaim } from "../src/engine/input";
import { DomainError } from "../src/lib/errors";
import type { PackRegistry } from "../src/engine/pack-registry";
import type { Settlement } from "../src/engine/types";
import { shippedPacks } from "./support/packs";

let registry: PackRegistry;
beforeAll(async () => {
  registry = await shippedPacks();
});

function settleOne(packId: string, beneficiaryRaw: object, claimRaw: object, accounts = new AnnualAccounts(), overrides: Record<string, string> = {}): Settlement {
  const beneficiary = readBeneficiary(beneficiaryRaw);
  const claim = readClaim(claimRaw, beneficiary.id);
  return accounts.settle(registry.packFor(packId, claim.date).withParameters(overrides), beneficiary, claim);
}

const dibao = { id: "LC-T1", identities: [{ category: "DIBAO", from: "2023-01-01", to: null }] };
const bill = (id: string, total: string, basic: string, extra: object = {}) => ({
  id,
  date: "2023-03-10",
  kind: "INPATIENT",
  fees: { total, outOfCatalog: "0.00", classBSelfPay: "0.00", overStandard: "0.00" },
  reported: { basic, critical: "0.00" },
  ...extra,
});

function line(settlement: Settlement, tier: string) {
  const found = settlement.lines.find((l) => l.tier === tier);
  if (!found) throw new Error(`no ${tier} line`);
  return found;
}

describe("explanations", () => {
  it("gives every paying line its rule, pack version, clause and figures", () => {
    const settlement = settleOne("liaocheng", dibao, bill("LC-T1-1", "26000.00", "6000.00"));
    const assistance = line(settlement, "assistance");
    expect(assistance).toMatchObject({
      amount: expect.anything(),
      source: "COMPUTED",
      ruleId: "lc-assistance-dibao",
      packId: "liaocheng",
      packVersion: 1,
      citation: { document: "聊政办发〔2022〕5号", clause: "三(四)1" },
      formula: "deductible-ratio-cap",
      reason: null,
    });
    expect(assistance.figures).toMatchObject({ base: "20000.00", deductible: "0.00", ratio: "0.7", cap: "30000.00", capLeft: "30000.00" });
    expect(line(settlement, "reassistance").figures).toMatchObject({ base: "6000.00", deductible: "5000.00", deductibleLeft: "5000.00" });
    expect(line(settlement, "basic")).toMatchObject({ source: "REPORTED", ruleId: null });
    expect(settlement.category).toBe("DIBAO");
  });

  it("says the cap is used up when it is", () => {
    const accounts = new AnnualAccounts();
    settleOne("liaocheng", dibao, bill("LC-T1-a", "60000.00", "10000.00"), accounts);
    const second = settleOne("liaocheng", dibao, bill("LC-T1-b", "10000.00", "2000.00"), accounts);
    expect(line(second, "assistance")).toMatchObject({ reason: "CAP_USED_UP" });
    expect(line(second, "assistance").figures.capLeft).toBe("0.00");
  });

  it("says a deductible was not passed", () => {
    const near = { id: "LC-T2", identities: [{ category: "NEAR_DIBAO", from: "2023-01-01", to: null }] };
    const settlement = settleOne("liaocheng", near, bill("LC-T2-1", "5000.00", "2000.00"));
    expect(line(settlement, "assistance")).toMatchObject({ reason: "UNDER_THRESHOLD", ruleId: "lc-assistance-near-dibao" });
    expect(line(settlement, "assistance").figures.deductibleLeft).toBe("3000.00");
  });

  it("says an ordinary insured person has no category, and a layer the text lacks is not in the pack", () => {
    const settlement = settleOne("liaocheng", { id: "LC-T3", identities: [] }, bill("LC-T3-1", "26000.00", "6000.00"));
    expect(settlement.category).toBeNull();
    expect(line(settlement, "assistance")).toMatchObject({ reason: "NO_CATEGORY" });
    expect(line(settlement, "charity")).toMatchObject({ reason: "NOT_IN_PACK" });
    expect(settlement.selfPay.toFixed(2)).toBe("20000.00");
  });

  it("says why 宜春 assistance excludes care without referral", () => {
    const settlement = settleOne("yichun", { id: "YC-T1", identities: [{ category: "DIBAO", from: "2022-10-01", to: null }] }, { ...bill("YC-T1-1", "10000.00", "3000.00"), referred: false });
    expect(line(settlement, "assistance")).toMatchObject({ reason: "RULE_EXCLUDES", ruleId: "yc-assistance-unreferred", citation: { clause: "第十八条" } });
  });

  it("records the categories held and the one chosen by precedence", () => {
    const both = { id: "LC-T4", identities: [{ category: "MONITORED", from: "2023-01-01", to: null }, { category: "DIBAO", from: "2023-01-01", to: null }] };
    const settlement = settleOne("liaocheng", both, bill("LC-T4-1", "26000.00", "6000.00"));
    expect(settlement.categoriesHeld).toEqual(["MONITORED", "DIBAO"]);
    expect(settlement.category).toBe("DIBAO");
  });
});

describe("refusals", () => {
  function refusal(run: () => unknown): DomainError {
    try {
      run();
    } catch (error) {
      if (error instanceof DomainError) return error;
      throw error;
    }
    throw new Error("expected a refusal");
  }

  it("refuses a tier whose parameter has no value, naming the parameter, unless the partner reports it", () => {
    const error = refusal(() => settleOne("liaocheng", dibao, { ...bill("LC-T5-1", "26000.00", "6000.00"), reported: { basic: "6000.00" } }));
    expect(error.code).toBe("PARAMETER_NOT_SET");
    expect(error.field).toBe("parameters.criticalOrdinarySchedule");
    expect(error.message).toContain("聊政办发〔2022〕5号 三(二)");
    const notReported = refusal(() => settleOne("liaocheng", dibao, { ...bill("LC-T5-2", "26000.00", "6000.00"), reported: {} }));
    expect(notReported.field).toBe("parameters.basicDeductible");
  });

  it("computes with a parameter once it is set", () => {
    const settlement = settleOne("yichun", { id: "YC-T2", identities: [{ category: "ILLNESS_IMPOVERISHED", from: "2022-10-01", to: null }] }, bill("YC-T2-1", "30000.00", "10000.00"), new AnnualAccounts(), {
      priorYearDisposableIncomePerCapita: "40000.00",
    });
    // 四类: threshold 25% × 40,000 = 10,000; (20,000 − 10,000) × 60% = 6,000.
    expect(line(settlement, "assistance").amount.toFixed(2)).toBe("6000.00");
    expect(line(settlement, "assistance").figures.deductible).toBe("10000.00");
  });

  it("refuses a reported tier larger than what is left to it and stores nothing", () => {
    const accounts = new AnnualAccounts();
    const before = accounts.snapshot();
    const error = refusal(() => settleOne("liaocheng", dibao, bill("LC-T6-1", "1000.00", "1000.01"), accounts));
    expect(error).toMatchObject({ code: "INCONSISTENT_FEES", field: "claim.reported.basic" });
    expect(accounts.snapshot()).toBe(before);
  });

  it("refuses a different bill under a claim id already settled, and returns the stored one for a repeat", () => {
    const accounts = new AnnualAccounts();
    const first = settleOne("liaocheng", dibao, bill("LC-T7-1", "26000.00", "6000.00"), accounts);
    expect(settleOne("liaocheng", dibao, bill("LC-T7-1", "26000.00", "6000.00"), accounts)).toBe(first);
    const error = refusal(() => settleOne("liaocheng", dibao, bill("LC-T7-1", "26000.01", "6000.00"), accounts));
    expect(error).toMatchObject({ code: "CONFLICT", field: "claim.id" });
  });

  it("refuses a claim outside every version in force, and an unknown pack", () => {
    expect(refusal(() => registry.packFor("yueqing", "2026-01-01"))).toMatchObject({ code: "NO_PACK_IN_FORCE" });
    expect(refusal(() => registry.packFor("yueqing", "2021-12-31"))).toMatchObject({ code: "NO_PACK_IN_FORCE" });
    expect(registry.packFor("yueqing", "2022-01-01").id).toBe("yueqing");
    expect(registry.packFor("yueqing", "2025-12-31").id).toBe("yueqing");
    expect(refusal(() => registry.packFor("beijing", "2023-01-01"))).toMatchObject({ code: "UNKNOWN_PACK" });
  });

  it("refuses an override of a parameter the pack does not have", () => {
    const pack = registry.packFor("liaocheng", "2023-03-10");
    expect(refusal(() => pack.withParameters({ noSuchParameter: "1.00" }))).toMatchObject({ code: "INVALID_INPUT", field: "parameters.noSuchParameter" });
    expect(refusal(() => pack.withParameters({ assistanceDibaoCap: "-1" }))).toMatchObject({ code: "INVALID_AMOUNT" });
  });
});
