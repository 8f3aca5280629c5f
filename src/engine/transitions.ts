/**
 * Transitional periods (过渡期): a pack's rules that a text grants only for a while — 威海's and
 * 东至's 脱贫攻坚过渡期, 威海 二(二)'s 2022 premium year for people certified before 2022-05-01. A
 * transition has a start, an end (a date, or a `date` parameter where the text gives none) and,
 * optionally, a certification date its people must be certified before. Rules test the fact
 * `transitions` (the transitions in progress for the person on the date); after the end the rules
 * without that test apply, which is the ordinary rule.
 */
import type { Category } from "./vocabulary";
import type { Beneficiary } from "./types";
import type { TransitionDocument } from "./pack-document";
import { dateOn, type ResolvedParameter } from "./parameters";
import { walkConditions } from "./conditions";

/** Where a transition stands on a date. */
export interface TransitionState {
  id: string;
  name: string;
  /** The last day; null while the end date has no value. */
  end: string | null;
}

/** The transitions of one pack, with the parameter values of one compiled version. */
export class Transitions {
  readonly ids: readonly string[];

  constructor(
    private readonly documents: readonly TransitionDocument[],
    private readonly parameters: ReadonlyMap<string, ResolvedParameter>,
    private readonly categories: ReadonlySet<Category>,
  ) {
    this.ids = documents.map((t) => t.id);
  }

  /**
   * The last day of a transition as in force on `date`. Null when its end is a parameter without a
   * value: the transition is then taken to be still running (the project's decision, recorded on
   * each transition of the packs), so the text's rules keep applying until an administrator sets it.
   */
  end(transition: TransitionDocument, date: string): string | null {
    return typeof transition.to === "string" ? transition.to : dateOn(this.parameters.get(transition.to.param), date);
  }

  /** A mask with bit i set when transition i is in progress for the person on `date`. */
  mask(beneficiary: Beneficiary, date: string): number {
    let mask = 0;
    this.documents.forEach((transition, i) => {
      if (this.inProgress(transition, beneficiary, date)) mask |= 1 << i;
    });
    return mask;
  }

  /** A mask with bit i set when transition i's period has ended before `date`. */
  endedMask(date: string): number {
    let mask = 0;
    this.documents.forEach((transition, i) => {
      const end = this.end(transition, date);
      if (end !== null && date > end) mask |= 1 << i;
    });
    return mask;
  }

  /** The transitions of a mask, with their end dates as in force on `date`. */
  states(mask: number, date: string): TransitionState[] {
    return this.documents.filter((_, i) => (mask & (1 << i)) !== 0).map((t) => ({ id: t.id, name: t.name, end: this.end(t, date) }));
  }

  /** The ids of a mask, as the fact `transitions` lists them. */
  idsOf(mask: number): string[] {
    return this.ids.filter((_, i) => (mask & (1 << i)) !== 0);
  }

  /** The mask of a list of transition ids (a fact list). */
  maskOf(ids: readonly string[]): number {
    let mask = 0;
    this.ids.forEach((id, i) => {
      if (ids.includes(id)) mask |= 1 << i;
    });
    return mask;
  }

  private inProgress(transition: TransitionDocument, beneficiary: Beneficiary, date: string): boolean {
    if (transition.from !== null && date < transition.from) return false;
    const end = this.end(transition, date);
    if (end !== null && date > end) return false;
    if (transition.certifiedBefore === undefined) return true;
    const before = transition.certifiedBefore;
    const start = transition.from ?? date;
    // Certified before the date, and still held when the transition's period begins.
    return beneficiary.identities.some((p) => this.categories.has(p.category) && p.from < before && (p.to === null || p.to >= start));
  }
}

/** The transitions a rule's conditions require to be in progress (`contains`). */
export function transitionsRequired(conditions: unknown): string[] {
  const ids: string[] = [];
  walkConditions(conditions, (fact, value, operator) => {
    if (fact === "transitions" && operator === "contains" && typeof value === "string" && !ids.includes(value)) ids.push(value);
  });
  return ids;
}
