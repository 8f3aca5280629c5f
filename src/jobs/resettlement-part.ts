/**
 * A re-settlement job's result for part of a jurisdiction's year, mergeable in any order: how many
 * households and settlements were re-settled, how many settlements changed, and the years refused.
 */
import { MAX_REFUSALS } from "../rules/preview-part";

export interface ResettlementPart {
  households: number;
  settlements: number;
  settlementsChanged: number;
  refusals: Array<{ beneficiaryId: string; code: string; message: string }>;
  refusalCount: number;
}

export function emptyResettlement(): ResettlementPart {
  return { households: 0, settlements: 0, settlementsChanged: 0, refusals: [], refusalCount: 0 };
}

/** The part with one more household re-settled. */
export function withHousehold(part: ResettlementPart, outcome: { settlements: number; changed: number }): ResettlementPart {
  return { ...part, households: part.households + 1, settlements: part.settlements + outcome.settlements, settlementsChanged: part.settlementsChanged + outcome.changed };
}

/** The part with one more household refused. */
export function withRefusal(part: ResettlementPart, refusal: ResettlementPart["refusals"][number]): ResettlementPart {
  const refusals = part.refusals.length < MAX_REFUSALS ? [...part.refusals, refusal] : part.refusals;
  return { ...part, households: part.households + 1, refusals, refusalCount: part.refusalCount + 1 };
}

export function mergeResettlement(a: ResettlementPart, b: ResettlementPart): ResettlementPart {
  const refusals = [...a.refusals, ...b.refusals].sort((x, y) => (x.beneficiaryId < y.beneficiaryId ? -1 : x.beneficiaryId > y.beneficiaryId ? 1 : 0)).slice(0, MAX_REFUSALS);
  return { households: a.households + b.households, settlements: a.settlements + b.settlements, settlementsChanged: a.settlementsChanged + b.settlementsChanged, refusals, refusalCount: a.refusalCount + b.refusalCount };
}
