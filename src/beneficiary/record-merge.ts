/**
 * An upsert is a merge: a field the client leaves out keeps its stored value, and the category
 * periods and applications it sends are added to the record (a period sent again with a later end
 * extends it). Shortening or removing a period is a separate, explicit act (endCategoryPeriod,
 * removeCategoryPeriod), because it can take back money already paid.
 */
import { DomainError } from "../lib/errors";
import { readBeneficiary } from "../engine/input";
import type { Application, CategoryPeriod } from "../engine/types";
import type { ApplicationEntity, CategoryPeriodEntity } from "./beneficiary.entity";

export interface BeneficiaryInput {
  id: string;
  jurisdiction: string;
  /** Left out: kept. Required for a new beneficiary. */
  name?: string | null;
  /** Left out: kept; null: cleared. */
  nationalId?: string | null;
  /** Left out: kept; null: cleared. */
  township?: string | null;
  /** Added to the stored periods, or extending one of the same category and start. */
  identities?: Array<{ category: string; from: string; to?: string | null }> | null;
  /** Added to the stored applications. */
  applications?: Array<{ program: string; date: string }> | null;
  /** Proceed even when re-settling would take back money already paid or allocated. */
  confirmReversal?: boolean | null;
}

/** What an upsert asks for, checked; `undefined` means "keep what is stored". */
export interface BeneficiaryChanges {
  id: string;
  jurisdiction: string;
  name: string | undefined;
  nationalId: string | null | undefined;
  township: string | null | undefined;
  identities: CategoryPeriod[];
  applications: Application[];
  confirmReversal: boolean;
}

const NATIONAL_ID = /^\d{17}[\dX]$/;

/** Checks an upsert's input (field paths under `input`), or throws the refusal. */
export function readBeneficiaryChanges(raw: BeneficiaryInput, jurisdictions: readonly string[]): BeneficiaryChanges {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) throw new DomainError("INVALID_INPUT", "input", "input: 须为对象 / must be an object");
  const input = raw as unknown as Record<string, unknown>;
  const checked = readBeneficiary({ ...input, identities: input.identities ?? [], applications: input.applications ?? [] }, "input");
  if (typeof input.jurisdiction !== "string" || !jurisdictions.includes(input.jurisdiction)) {
    throw new DomainError("UNKNOWN_PACK", "input.jurisdiction", `input.jurisdiction: 未知辖区 ${String(input.jurisdiction)} / unknown jurisdiction (known: ${jurisdictions.join(", ")})`);
  }
  return {
    id: checked.id,
    jurisdiction: input.jurisdiction,
    name: readName(input.name),
    nationalId: readNationalId(input.nationalId),
    township: readTownship(input.township),
    identities: checked.identities,
    applications: checked.applications,
    confirmReversal: input.confirmReversal === true,
  };
}

function readName(raw: unknown): string | undefined {
  if (raw === undefined) return undefined;
  const name = typeof raw === "string" ? raw.trim() : "";
  if (!name || name.length > 100) throw new DomainError("INVALID_INPUT", "input.name", "input.name: 1–100 个字符 / 1 to 100 characters");
  return name;
}

function readNationalId(raw: unknown): string | null | undefined {
  if (raw === undefined || raw === null) return raw;
  if (typeof raw !== "string" || !NATIONAL_ID.test(raw)) {
    throw new DomainError("INVALID_INPUT", "input.nationalId", "input.nationalId: 须为 18 位居民身份证号码 / an 18-character resident ID number");
  }
  return raw;
}

function readTownship(raw: unknown): string | null | undefined {
  if (raw === undefined || raw === null) return raw;
  if (typeof raw !== "string") throw new DomainError("INVALID_INPUT", "input.township", "input.township: 须为文字 / must be text");
  const township = raw.trim() || null;
  if (township !== null && township.length > 60) throw new DomainError("INVALID_INPUT", "input.township", "input.township: 最多 60 个字符 / at most 60 characters");
  return township;
}

/** The rows an upsert's periods change: standing periods they extend (retracted) and periods to record. */
export interface PeriodMerge {
  retracted: CategoryPeriodEntity[];
  added: CategoryPeriod[];
}

/** True when period `a` ends later than `b` (null: never ends). */
function endsLater(a: string | null, b: string | null): boolean {
  return b !== null && (a === null || a > b);
}

/**
 * Merges sent periods into the standing ones. A period with the category and start of a standing
 * one is the same certification: an equal or later end keeps or extends it; an earlier end would
 * shorten it, which is refused here (CONFLICT) and done with endCategoryPeriod.
 */
export function mergePeriods(standing: readonly CategoryPeriodEntity[], sent: readonly CategoryPeriod[]): PeriodMerge {
  const merge: PeriodMerge = { retracted: [], added: [] };
  const current = new Map<string, { to: string | null; row: CategoryPeriodEntity | null }>(standing.map((row) => [`${row.category}|${row.fromDate}`, { to: row.toDate, row }]));
  sent.forEach((period, i) => {
    const key = `${period.category}|${period.from}`;
    const held = current.get(key);
    if (held && held.to === period.to) return;
    if (held && !endsLater(period.to, held.to)) {
      throw new DomainError(
        "CONFLICT",
        `input.identities[${i}].to`,
        `input.identities[${i}].to: ${period.category} 自 ${period.from} 的身份登记至 ${held.to ?? "今"}，缩短须用 endCategoryPeriod / this would shorten a recorded period; use endCategoryPeriod with a reason`,
      );
    }
    if (held?.row) merge.retracted.push(held.row);
    else if (held) merge.added.splice(merge.added.findIndex((p) => `${p.category}|${p.from}` === key), 1);
    merge.added.push(period);
    current.set(key, { to: period.to, row: null });
  });
  return merge;
}

/** The sent applications that are not recorded yet. */
export function newApplications(standing: readonly ApplicationEntity[], sent: readonly Application[]): Application[] {
  const recorded = new Set(standing.map((a) => `${a.program}|${a.date}`));
  return sent.filter((a) => {
    const key = `${a.program}|${a.date}`;
    if (recorded.has(key)) return false;
    recorded.add(key);
    return true;
  });
}
