/**
 * A preview's result for part of a jurisdiction (a chunk of households), mergeable with the other
 * parts in any order into the whole: totals add up, the 20 largest changes stay in a bounded heap,
 * refusals are kept up to a bound (and counted). Stored as JSON, money as strings, so a resumed job
 * merges what earlier runners stored and ends with the same result.
 */
import { BoundedTop } from "../lib/bounded-top";
import { Money, ZERO, formatAmount } from "../lib/money";
import { TIERS_AND_SELF_PAY } from "../engine/vocabulary";

/** A tier's total (or self-pay) before and after the new version, over what a preview examined. */
export interface TierChange {
  tier: string;
  before: Money;
  after: Money;
  difference: Money;
}

/** What activating a version would change: totals, the largest changes, the refusals. */
export interface PackPreview {
  packId: string;
  version: number;
  householdsExamined: number;
  settlementsExamined: number;
  settlementsChanged: number;
  tierChanges: TierChange[];
  largest: Array<{ beneficiaryId: string; year: number; selfPayChange: Money; tierChanges: TierChange[] }>;
  refusals: Array<{ claimId: string; code: string; message: string }>;
  /** Every refusal, where the list stops at MAX_REFUSALS. */
  refusalCount: number;
}

/** The households a preview lists: the 20 whose amounts change most. */
export const LARGEST_CHANGES = 20;
/** The refusals a preview lists; the rest are counted only, so a result's size is bounded. */
export const MAX_REFUSALS = 100;

type Totals = Map<string, { before: Money; after: Money }>;
export type HouseholdChange = PackPreview["largest"][number];
export type PreviewRefusal = PackPreview["refusals"][number];

export interface PreviewPart {
  householdsExamined: number;
  settlementsExamined: number;
  settlementsChanged: number;
  totals: Totals;
  largest: BoundedTop<HouseholdChange>;
  refusals: PreviewRefusal[];
  refusalCount: number;
}

export function emptyTotals(): Totals {
  return new Map(TIERS_AND_SELF_PAY.map((t) => [t, { before: ZERO, after: ZERO }]));
}

/** Adds `before` and `after` of a tier to totals. */
export function addToTotals(totals: Totals, tier: string, before: Money, after: Money): void {
  const entry = totals.get(tier)!;
  entry.before = entry.before.plus(before);
  entry.after = entry.after.plus(after);
}

export function toChanges(totals: Totals): TierChange[] {
  return [...totals.entries()].filter(([, t]) => !t.before.equals(t.after)).map(([tier, t]) => ({ tier, before: t.before, after: t.after, difference: t.after.minus(t.before) }));
}

/** How much a household's amounts change: the sum of its tiers' differences, without sign. */
function magnitude(change: HouseholdChange): Money {
  return change.tierChanges.reduce((sum, c) => sum.plus(c.difference.abs()), ZERO);
}

/** Larger change first; then by household and year, so that the order of arrival never matters. */
function ranksBefore(a: HouseholdChange, b: HouseholdChange): boolean {
  const bySize = magnitude(a).comparedTo(magnitude(b));
  if (bySize !== 0) return bySize > 0;
  if (a.beneficiaryId !== b.beneficiaryId) return a.beneficiaryId < b.beneficiaryId;
  return a.year < b.year;
}

export function emptyPart(): PreviewPart {
  return { householdsExamined: 0, settlementsExamined: 0, settlementsChanged: 0, totals: emptyTotals(), largest: new BoundedTop(LARGEST_CHANGES, ranksBefore), refusals: [], refusalCount: 0 };
}

export function addRefusal(part: PreviewPart, refusal: PreviewRefusal): void {
  part.refusalCount++;
  if (part.refusals.length < MAX_REFUSALS) part.refusals.push(refusal);
}

/** Adds `other` into `into`. */
export function mergePart(into: PreviewPart, other: PreviewPart): void {
  into.householdsExamined += other.householdsExamined;
  into.settlementsExamined += other.settlementsExamined;
  into.settlementsChanged += other.settlementsChanged;
  for (const [tier, t] of other.totals) addToTotals(into.totals, tier, t.before, t.after);
  for (const change of other.largest.sorted()) into.largest.push(change);
  into.refusalCount += other.refusalCount - other.refusals.length;
  for (const refusal of other.refusals) addRefusal(into, refusal);
}

export function previewOf(packId: string, version: number, part: PreviewPart): PackPreview {
  // Refusals sorted, so that the list does not depend on the order chunks finished in.
  const refusals = [...part.refusals].sort((a, b) => (a.claimId < b.claimId ? -1 : a.claimId > b.claimId ? 1 : 0));
  return { packId, version, householdsExamined: part.householdsExamined, settlementsExamined: part.settlementsExamined, settlementsChanged: part.settlementsChanged, tierChanges: toChanges(part.totals), largest: part.largest.sorted(), refusals, refusalCount: part.refusalCount };
}

const changeJson = (c: TierChange) => ({ tier: c.tier, before: formatAmount(c.before), after: formatAmount(c.after), difference: formatAmount(c.difference) });
const changeOf = (c: { tier: string; before: string; after: string; difference: string }): TierChange => ({ tier: c.tier, before: new Money(c.before), after: new Money(c.after), difference: new Money(c.difference) });

export function partToJson(part: PreviewPart): string {
  return JSON.stringify({
    householdsExamined: part.householdsExamined,
    settlementsExamined: part.settlementsExamined,
    settlementsChanged: part.settlementsChanged,
    totals: Object.fromEntries([...part.totals].map(([tier, t]) => [tier, [formatAmount(t.before), formatAmount(t.after)]])),
    largest: part.largest.sorted().map((h) => ({ beneficiaryId: h.beneficiaryId, year: h.year, selfPayChange: formatAmount(h.selfPayChange), tierChanges: h.tierChanges.map(changeJson) })),
    refusals: part.refusals,
    refusalCount: part.refusalCount,
  });
}

export function partFromJson(text: string): PreviewPart {
  const raw = JSON.parse(text);
  const part = emptyPart();
  part.householdsExamined = raw.householdsExamined;
  part.settlementsExamined = raw.settlementsExamined;
  part.settlementsChanged = raw.settlementsChanged;
  for (const [tier, [before, after]] of Object.entries(raw.totals as Record<string, [string, string]>)) addToTotals(part.totals, tier, new Money(before), new Money(after));
  for (const h of raw.largest) part.largest.push({ beneficiaryId: h.beneficiaryId, year: h.year, selfPayChange: new Money(h.selfPayChange), tierChanges: h.tierChanges.map(changeOf) });
  part.refusals = raw.refusals;
  part.refusalCount = raw.refusalCount;
  return part;
}
