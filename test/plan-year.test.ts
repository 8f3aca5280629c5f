/**
 * planYear, the one function that says what a household's year of settlements is: date order with
 * arrival numbers for same-date bills, stored settlements compared with the plan, and the append
 * path that settles only what is new when nothing earlier changes.
 */
import { planYear, type YearBill } from "../src/engine/plan-year";
import { readBeneficiary, readClaim } from "../src/engine/input";
import type { CompiledPack } from "../src/engine/compiled-pack";
import type { Settlement } from "../src/engine/types";
import { ZERO } from "../src/lib/money";
import { shippedPacks } from "./support/packs";
import { linkedYears } from "../src/engine/medical-year";

let pack: CompiledPack;
beforeAll(async () => {
  pack = (await shippedPacks()).packFor("liaocheng", "2023-01-01");
});

const beneficiary = () => readBeneficiary({ id: "PY-1", identities: [{ category: "DIBAO", from: "2023-01-01", to: null }] });
const bill = (id: string, date: string, total: string, arrival: number): YearBill => ({
  claim: readClaim({ id, date, kind: "INPATIENT", fees: { total }, reported: { basic: "0.00", critical: "0.00" } }, "PY-1", "claim"),
  arrival,
});
const amount = (settlement: Settlement, tier: string) => settlement.lines.find((line) => line.tier === tier)!.amount.toFixed(2);

describe("planYear", () => {
  it("settles in date order and, for the same date, in arrival order", () => {
    const bills = [bill("late", "2023-05-01", "20000.00", 1), bill("b", "2023-03-01", "20000.00", 3), bill("a", "2023-03-01", "20000.00", 2)];
    const plan = planYear({ beneficiary: beneficiary(), year: 2023, bills, current: () => null, packFor: () => pack });
    expect(plan.settlements.map((step) => step.bill.claim.id)).toEqual(["a", "b", "late"]);
    expect(plan.settlements.every((step) => step.changed && step.adjustments.length === 0)).toBe(true);
  });

  it("compares the stored settlements with the plan: a late earlier bill moves what the later one paid", () => {
    const first = bill("first", "2023-06-01", "60000.00", 1);
    const alone = planYear({ beneficiary: beneficiary(), year: 2023, bills: [first], current: () => null, packFor: () => pack });
    const stored = alone.settlements[0].settlement!;
    const earlier = bill("earlier", "2023-02-01", "60000.00", 2);
    const plan = planYear({ beneficiary: beneficiary(), year: 2023, bills: [first, earlier], current: (b) => (b === first ? stored : null), packFor: () => pack, storedYearToDate: alone.yearToDate });
    const [planEarlier, planFirst] = plan.settlements;
    expect(planEarlier.bill).toBe(earlier);
    expect(amount(planEarlier.settlement!, "assistance")).toBe(amount(stored, "assistance"));
    expect(planFirst.changed).toBe(true);
    const assistance = planFirst.adjustments.find((a) => a.tier === "assistance")!;
    expect(assistance.difference.toFixed(2)).toBe(assistance.after.minus(assistance.before).toFixed(2));
    expect(assistance.difference.isNegative()).toBe(true);
    // The bill's total does not change: what the tiers move, the self-pay moves back.
    expect(planFirst.adjustments.reduce((sum, a) => sum.plus(a.difference), ZERO).isZero()).toBe(true);
  });

  it("settles only the new bill when it comes after every stored one", () => {
    const first = bill("first", "2023-02-01", "30000.00", 1);
    const alone = planYear({ beneficiary: beneficiary(), year: 2023, bills: [first], current: () => null, packFor: () => pack });
    const stored = alone.settlements[0].settlement!;
    let packsAsked = 0;
    const plan = planYear({
      beneficiary: beneficiary(),
      year: 2023,
      bills: [first, bill("next", "2023-04-01", "30000.00", 2)],
      current: (b) => (b === first ? stored : null),
      packFor: () => (packsAsked++, pack),
      storedYearToDate: alone.yearToDate,
    });
    expect(packsAsked).toBe(1);
    expect(plan.settlements[0]).toMatchObject({ settlement: null, current: stored, changed: false, adjustments: [] });
    expect(plan.settlements[1].changed).toBe(true);
  });

  it("leaves a refused bill out and names it when asked to skip refusals; otherwise refuses the year", () => {
    const good = bill("good", "2023-02-01", "30000.00", 1);
    const bad: YearBill = { claim: readClaim({ id: "bad", date: "2023-03-01", kind: "INPATIENT", fees: { total: "1000.00" }, reported: { basic: "0.00", critical: "2000.00" } }, "PY-1", "claim"), arrival: 2 };
    const input = { beneficiary: beneficiary(), year: 2023, bills: [good, bad], current: () => null, packFor: () => pack };
    expect(() => planYear(input)).toThrow(expect.objectContaining({ code: "INCONSISTENT_FEES" }));
    const plan = planYear({ ...input, skipRefused: true });
    expect(plan.settlements.map((step) => step.bill)).toEqual([good]);
    expect(plan.refused.map((r) => [r.bill, r.error.code])).toEqual([[bad, "INCONSISTENT_FEES"]]);
  });

  it("counts a changed category as a change of the record, even with the same amounts", () => {
    const first = bill("first", "2023-02-01", "30000.00", 1);
    const stored = planYear({ beneficiary: beneficiary(), year: 2023, bills: [first], current: () => null, packFor: () => pack }).settlements[0].settlement!;
    const recordedUnderAnother = { ...stored, category: "NEAR_DIBAO" as const };
    const plan = planYear({ beneficiary: beneficiary(), year: 2023, bills: [first], current: () => recordedUnderAnother, packFor: () => pack });
    expect(plan.settlements[0]).toMatchObject({ changed: true, adjustments: [] });
    expect(plan.settlements[0].settlement!.category).toBe("DIBAO");
  });

  it("plans the years an identification's medical year links (聊城 四(一)) in one pass, each tier in its account", () => {
    // Applied 2024-03-15: costs from 2023-03-01 count in the 2024 medical year, for assistance only.
    const person = readBeneficiary({ id: "PY-1", identities: [{ category: "ILLNESS_IMPOVERISHED", from: "2024-03-15", to: "2024-12-31" }] });
    expect(linkedYears(pack, person, 2024)).toEqual([2023, 2024]);
    expect(linkedYears(pack, person, 2023)).toEqual([2023, 2024]);
    expect(linkedYears(pack, person, 2022)).toEqual([2022]);
    const before = bill("before", "2023-02-27", "20000.00", 1);
    const looked = bill("looked", "2023-05-10", "20000.00", 2);
    const later = bill("later", "2024-04-10", "20000.00", 3);
    const plan = planYear({ beneficiary: person, year: 2024, bills: [later, looked, before], current: () => null, packFor: () => pack });
    expect(plan.settlements.map((step) => step.bill.claim.id)).toEqual(["before", "looked", "later"]);
    const [first, second, third] = plan.settlements.map((step) => step.settlement!);
    // One deductible of 10,000 over 20,000 + 20,000: (20,000 − 10,000) × 60% = 6,000, then (40,000 − 10,000) × 60% − 6,000 = 12,000.
    expect([amount(first, "assistance"), amount(second, "assistance"), amount(third, "assistance")]).toEqual(["0.00", "6000.00", "12000.00"]);
    expect(second.lines.find((line) => line.tier === "assistance")!.accountYear).toBe(2024);
    expect(second.lines.find((line) => line.tier === "basic")!.accountYear).toBeUndefined();
    const account = (year: number) => plan.accounts.find((a) => a.year === year)!;
    expect(plan.accounts.map((a) => a.year)).toEqual([2023, 2024]);
    expect([account(2023).tiers.assistance.paid.toFixed(2), account(2023).tiers.basic.base.toFixed(2)]).toEqual(["0.00", "40000.00"]);
    expect([account(2024).tiers.assistance.base.toFixed(2), account(2024).tiers.assistance.paid.toFixed(2)]).toEqual(["40000.00", "18000.00"]);
    expect(plan.yearToDate).toBe(account(2024));
  });
});
