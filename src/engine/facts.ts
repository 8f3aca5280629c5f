/**
 * The facts rules decide on, and their encoding as a small integer. Every fact is categorical, so a
 * pack's rule choice for every possible claim can be tabulated once when the pack is built.
 */
import { CLAIM_KINDS, DEFAULT_INSURED_TYPE, INSURED_TYPES, NO_CATEGORY, type CategoryFact, type ClaimKind, type InsuredType, type Program } from "./vocabulary";

export interface RuleFacts {
  category: CategoryFact;
  kind: ClaimKind;
  referred: boolean;
  inProvince: boolean;
  guidanceFollowed: boolean;
  insuredType: InsuredType;
  /** Programmes applied for in the claim's year. */
  applications: Program[];
  /** Transitional periods (过渡期) in progress for the person on the claim date. */
  transitions: string[];
}

/**
 * Numbers every combination of facts for one pack: the pack's categories plus NONE, the four claim
 * kinds, three flags, the two insured types, each subset of the pack's programmes and each subset of
 * its transitional periods.
 */
export class FactSpace {
  readonly categories: CategoryFact[];
  readonly programs: Program[];
  readonly transitions: string[];
  private readonly categoryIndex = new Map<CategoryFact, number>();
  private readonly kindIndex = new Map<ClaimKind, number>();

  constructor(categories: readonly CategoryFact[], programs: readonly Program[], transitions: readonly string[] = []) {
    this.categories = [NO_CATEGORY, ...categories.filter((c) => c !== NO_CATEGORY)];
    this.programs = [...programs];
    this.transitions = [...transitions];
    this.categories.forEach((category, i) => this.categoryIndex.set(category, i));
    CLAIM_KINDS.forEach((kind, i) => this.kindIndex.set(kind, i));
  }

  /** How many combinations there are. */
  get size(): number {
    return this.categories.length * CLAIM_KINDS.length * 8 * INSURED_TYPES.length * (1 << (this.programs.length + this.transitions.length));
  }

  /**
   * The index of a combination; `programMask` has bit i set when programs[i] was applied for,
   * `transitionMask` bit i when transitions[i] is in progress.
   */
  index(category: CategoryFact, kind: ClaimKind, referred: boolean, inProvince: boolean, guidanceFollowed: boolean, programMask: number, insuredType: InsuredType = DEFAULT_INSURED_TYPE, transitionMask = 0): number {
    const categoryAt = this.categoryIndex.get(category) ?? 0;
    const kindAt = this.kindIndex.get(kind) ?? 0;
    const flags = (referred ? 4 : 0) | (inProvince ? 2 : 0) | (guidanceFollowed ? 1 : 0);
    const insuredAt = INSURED_TYPES.indexOf(insuredType);
    const head = (((categoryAt * CLAIM_KINDS.length + kindAt) * 8 + flags) * INSURED_TYPES.length + insuredAt) << this.transitions.length;
    return ((head | transitionMask) << this.programs.length) | programMask;
  }

  /** The facts of a combination, as json-rules-engine receives them. */
  *combinations(): Generator<{ index: number; facts: RuleFacts }> {
    const programCount = this.programs.length;
    const transitionCount = this.transitions.length;
    for (const category of this.categories) {
      for (const kind of CLAIM_KINDS) {
        for (let flags = 0; flags < 8; flags++) {
          for (const insuredType of INSURED_TYPES) {
            for (let during = 0; during < 1 << transitionCount; during++) {
              for (let mask = 0; mask < 1 << programCount; mask++) {
                const facts: RuleFacts = {
                  category,
                  kind,
                  referred: (flags & 4) !== 0,
                  inProvince: (flags & 2) !== 0,
                  guidanceFollowed: (flags & 1) !== 0,
                  insuredType,
                  applications: this.programs.filter((_, i) => (mask & (1 << i)) !== 0),
                  transitions: this.transitions.filter((_, i) => (during & (1 << i)) !== 0),
                };
                yield { index: this.index(category, kind, facts.referred, facts.inProvince, facts.guidanceFollowed, mask, insuredType, during), facts };
              }
            }
          }
        }
      }
    }
  }

  /** The programme mask for a list of programmes applied for. */
  programMask(applied: readonly Program[]): number {
    let mask = 0;
    this.programs.forEach((program, i) => {
      if (applied.includes(program)) mask |= 1 << i;
    });
    return mask;
  }
}
