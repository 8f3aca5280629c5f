/**
 * Properties of settlement that must hold for every pack, every category and any sequence of bills
 * (fast-check): the tiers and the self-pay add up to the total to the fen, nothing is negative, no
 * tier pays more than what was left to it, a year's totals per tier do not depend on how its bills
 * were split or how same-date bills were ordered, and settling a claim twice changes nothing.
 */
import fc from "fast-check";
import { AnnualAccounts } from "../src/engine/annual-accounts";
import { Money, ZERO, formatAmount } from "../src/lib/money";
import { TIERS, TIER_SCOPE, CLAIM_KINDS, type Category, type ClaimKind, type Tier } from "../src/engine/vocabulary";
import type { Beneficiary, Claim, Settlement } from "../src/engine/types";
import type { CompiledPack } from "../src/engine/compiled-pack";
import { shippedPacks, withTestValuesForUnsetParameters } from "./support/packs";

/** A bill as integer fen per component, so that it can be split exactly. */
interface BillFen {
  inPolicy: number;
  outOfCatalog: number;
  classBSelfPay: number;
  overStandard: number;
  /** Reported basic payment, at most inPolicy; null when the pack computes basic itself. */
  basic: number | null;
}

interface Setting {
  pack: CompiledPack;
  category: Category | null;
  kind: ClaimKind;
  referred: boolean;
  inProvince: boolean;
  guidanceFollowed: boolean;
  tiltApplication: boolean;
  date: string;
}

const fenText = (fen: number): string => `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, "0")}`;

let packs: CompiledPack[] = [];

beforeAll(async () => {
  const registry = await shippedPacks();
  packs = registry.ids().map((id) => withTestValuesForUnsetParameters(registry.versions(id)[0]));
});

/** A date inside the pack's period, in one year. */
function dateIn(pack: CompiledPack): string {
  const from = pack.document.inForce.appliesFrom;
  const year = Number(from.slice(0, 4)) + 1;
  return `${year}-06-15`;
}

const settingArb = () =>
  fc
    .record({
      packIndex: fc.nat(),
      categoryIndex: fc.nat(),
      kind: fc.constantFrom(...CLAIM_KINDS),
      referred: fc.boolean(),
      inProvince: fc.boolean(),
      guidanceFollowed: fc.boolean(),
      tiltApplication: fc.boolean(),
    })
    .map((r): Setting => {
      const pack = packs[r.packIndex % packs.length];
      const categories: Array<Category | null> = [null, ...pack.categories];
      return {
        pack,
        category: categories[r.categoryIndex % categories.length],
        kind: r.kind,
        referred: r.referred,
        inProvince: r.inProvince,
        guidanceFollowed: r.guidanceFollowed,
        tiltApplication: r.tiltApplication,
        date: dateIn(pack),
      };
    });

/** A bill; `reportBasic` decides whether the partner reports basic or the pack computes it. */
const billArb = fc
  .record({
    inPolicy: fc.integer({ min: 0, max: 40_000_000 }),
    outOfCatalog: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 8_000_000 })),
    classBSelfPay: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 2_000_000 })),
    overStandard: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 1_000_000 })),
    basicShare: fc.integer({ min: 0, max: 100 }),
  });

function withBasic(bills: Array<{ inPolicy: number; outOfCatalog: number; classBSelfPay: number; overStandard: number; basicShare: number }>, reportBasic: boolean): BillFen[] {
  return bills.map(({ basicShare, ...bill }) => ({ ...bill, basic: reportBasic ? Math.floor((bill.inPolicy * basicShare) / 100) : null }));
}

function beneficiaryFor(setting: Setting, id: string): Beneficiary {
  const year = setting.date.slice(0, 4);
  return {
    id,
    identities: setting.category ? [{ category: setting.category, from: `${year}-01-01`, to: null }] : [],
    applications: setting.tiltApplication ? [{ program: "TILT_ASSISTANCE", date: `${year}-02-01`, status: "APPROVED", decidedOn: `${year}-02-01` }] : [],
  };
}

function claimFor(setting: Setting, beneficiaryId: string, id: string, bill: BillFen): Claim {
  const total = bill.inPolicy + bill.outOfCatalog + bill.classBSelfPay + bill.overStandard;
  const reported: Partial<Record<Tier, Money>> = {};
  if (bill.basic !== null) reported.basic = new Money(fenText(bill.basic));
  return {
    id,
    beneficiaryId,
    date: setting.date,
    kind: setting.kind,
    referred: setting.referred,
    inProvince: setting.inProvince,
    guidanceFollowed: setting.guidanceFollowed,
    insuredType: "RESIDENT",
    fees: {
      total: new Money(fenText(total)),
      outOfCatalog: new Money(fenText(bill.outOfCatalog)),
      classBSelfPay: new Money(fenText(bill.classBSelfPay)),
      overStandard: new Money(fenText(bill.overStandard)),
    },
    reported,
  };
}

/** Splits an integer into `weights.length` non-negative parts in proportion to the weights. */
function splitFen(amount: number, weights: number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const parts = weights.map((w) => Math.floor((amount * w) / sum));
  parts[parts.length - 1] += amount - parts.reduce((a, b) => a + b, 0);
  return parts;
}

/** Splits a bill into parts whose components add up to the bill's, reported basic within each part. */
function splitBill(bill: BillFen, weights: number[]): BillFen[] {
  const inPolicy = splitFen(bill.inPolicy, weights);
  const outOfCatalog = splitFen(bill.outOfCatalog, weights);
  const classB = splitFen(bill.classBSelfPay, weights);
  const over = splitFen(bill.overStandard, weights);
  let basicLeft = bill.basic ?? 0;
  return weights.map((_, i) => {
    const basic = Math.min(basicLeft, inPolicy[i]);
    basicLeft -= basic;
    return { inPolicy: inPolicy[i], outOfCatalog: outOfCatalog[i], classBSelfPay: classB[i], overStandard: over[i], basic: bill.basic === null ? null : basic };
  });
}

function settleAll(setting: Setting, bills: BillFen[], tag: string): Settlement[] {
  const accounts = new AnnualAccounts();
  const beneficiary = beneficiaryFor(setting, `B-${tag}`);
  return bills.map((bill, i) => accounts.settle(setting.pack, beneficiary, claimFor(setting, beneficiary.id, `C-${tag}-${i}`, bill)));
}

function tierTotals(settlements: Settlement[]): Record<string, string> {
  const totals: Record<string, string> = {};
  for (const tier of TIERS) {
    totals[tier] = formatAmount(settlements.reduce((sum, s) => sum.plus(s.lines.find((l) => l.tier === tier)!.amount), ZERO));
  }
  totals.selfPay = formatAmount(settlements.reduce((sum, s) => sum.plus(s.selfPay), ZERO));
  return totals;
}

const RUNS = { numRuns: 400 };

describe("settlement properties on every pack", () => {
  it("adds up to the total, pays nothing negative and no tier more than what was left to it", () => {
    fc.assert(
      fc.property(settingArb(), fc.boolean(), fc.array(billArb, { minLength: 1, maxLength: 6 }), (setting, reportBasic, bills) => {
        for (const settlement of settleAll(setting, withBasic(bills, reportBasic), "sum")) {
          let leftInPolicy = settlement.policyScope;
          let leftOfTotal = settlement.total;
          let paid = ZERO;
          for (const line of settlement.lines) {
            expect(line.amount.isNegative()).toBe(false);
            expect(line.amount.decimalPlaces()).toBeLessThanOrEqual(2);
            const left = TIER_SCOPE[line.tier] === "policyScope" ? leftInPolicy : leftOfTotal;
            expect(line.amount.lessThanOrEqualTo(left)).toBe(true);
            leftOfTotal = leftOfTotal.minus(line.amount);
            leftInPolicy = TIER_SCOPE[line.tier] === "policyScope" ? leftInPolicy.minus(line.amount) : Money.min(leftInPolicy, leftOfTotal);
            paid = paid.plus(line.amount);
          }
          expect(settlement.selfPay.isNegative()).toBe(false);
          expect(formatAmount(paid.plus(settlement.selfPay))).toBe(formatAmount(settlement.total));
        }
      }),
      RUNS,
    );
  });

  it("gives the same annual totals per tier however the year's bills are split", () => {
    const weightsArb = fc.array(fc.integer({ min: 1, max: 10 }), { minLength: 1, maxLength: 4 });
    fc.assert(
      fc.property(settingArb(), fc.boolean(), fc.array(fc.tuple(billArb, weightsArb), { minLength: 1, maxLength: 4 }), (setting, reportBasic, billsWithWeights) => {
        const whole = withBasic(billsWithWeights.map(([bill]) => bill), reportBasic);
        const split = whole.flatMap((bill, i) => splitBill(bill, billsWithWeights[i][1]));
        expect(tierTotals(settleAll(setting, split, "split"))).toEqual(tierTotals(settleAll(setting, whole, "whole")));
      }),
      RUNS,
    );
  });

  // Bills of one setting (same category, kind and flags): where bills of one year differ in kind
  // or flags, a shared cap is used up by whichever bill comes first, and the policy itself makes
  // the later layers depend on that order.
  it("gives the same annual totals per tier whatever the order of same-date bills", () => {
    fc.assert(
      fc.property(settingArb(), fc.boolean(), fc.array(billArb, { minLength: 2, maxLength: 5 }), fc.func(fc.integer()), (setting, reportBasic, raw, rank) => {
        const bills = withBasic(raw, reportBasic);
        const shuffled = bills.map((bill, i) => ({ bill, key: rank(i) })).sort((a, b) => a.key - b.key).map((x) => x.bill);
        expect(tierTotals(settleAll(setting, shuffled, "shuffled"))).toEqual(tierTotals(settleAll(setting, bills, "ordered")));
      }),
      RUNS,
    );
  });

  it("gives every claim the same settlement whatever the arrival order of bills of different dates", () => {
    fc.assert(
      fc.property(settingArb(), fc.boolean(), fc.array(billArb, { minLength: 2, maxLength: 6 }), fc.func(fc.integer()), (setting, reportBasic, raw, rank) => {
        const year = setting.date.slice(0, 4);
        const beneficiary = beneficiaryFor(setting, "B-arrival");
        // One bill a week from March: every bill has a date of its own.
        const claims = withBasic(raw, reportBasic).map((bill, i) => ({ ...claimFor(setting, beneficiary.id, `C-arrival-${i}`, bill), date: `${year}-03-${String(1 + 4 * i).padStart(2, "0")}` }));
        const arrived = claims.map((claim, i) => ({ claim, key: rank(i) })).sort((a, b) => a.key - b.key).map((x) => x.claim);
        const inDateOrder = new AnnualAccounts();
        const late = new AnnualAccounts();
        for (const claim of claims) inDateOrder.settle(setting.pack, beneficiary, claim);
        for (const claim of arrived) late.settle(setting.pack, beneficiary, claim);
        const amounts = (accounts: AnnualAccounts) => claims.map((claim) => { const s = accounts.settlementOf(claim.id)!; return [...s.lines.map((l) => `${l.tier}=${formatAmount(l.amount)}`), `self=${formatAmount(s.selfPay)}`].join(" "); });
        expect(amounts(late)).toEqual(amounts(inDateOrder));
      }),
      RUNS,
    );
  });

  it("returns the stored settlement when a claim is settled twice, counting nothing twice", () => {
    fc.assert(
      fc.property(settingArb(), fc.boolean(), fc.array(billArb, { minLength: 1, maxLength: 4 }), (setting, reportBasic, raw) => {
        const accounts = new AnnualAccounts();
        const beneficiary = beneficiaryFor(setting, "B-twice");
        const claims = withBasic(raw, reportBasic).map((bill, i) => claimFor(setting, beneficiary.id, `C-twice-${i}`, bill));
        const first = claims.map((claim) => accounts.settle(setting.pack, beneficiary, claim));
        const state = accounts.snapshot();
        const again = claims.map((claim) => accounts.settle(setting.pack, beneficiary, claim));
        expect(again).toEqual(first);
        expect(accounts.snapshot()).toBe(state);
      }),
      RUNS,
    );
  });
});
