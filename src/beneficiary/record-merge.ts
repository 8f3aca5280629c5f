/**
 * An upsert is a merge: a field the client leaves out keeps its stored value, and the category
 * periods and applications it sends are added to the record (a period sent again with a later end
 * extends it). Shortening or removing a period is a separate, explicit act (endCategoryPeriod,
 * removeCategoryPeriod), because it can take back money already paid.
 */
import { DomainError } from "../lib/errors";
import { readApplication, readBeneficiary, type SentApplication } from "../engine/input";
import { assumedApproval } from "../engine/applications";
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
  /** Added to the stored applications, or deciding a pending one. */
  applications?: Array<{ program: string; date: string; status?: string | null; decidedOn?: string | null }> | null;
  /** 渐退期 periods added to the stored ones, or extending one of the same category and start. */
  phaseOuts?: Array<{ category: string; from: string; to?: string | null }> | null;
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
  applications: SentApplication[];
  phaseOuts: CategoryPeriod[];
  confirmReversal: boolean;
}

const NATIONAL_ID = /^\d{17}[\dX]$/;

/** Checks an upsert's input (field paths under `input`), or throws the refusal. */
export function readBeneficiaryChanges(raw: BeneficiaryInput, jurisdictions: readonly string[]): BeneficiaryChanges {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) throw new DomainError("INVALID_INPUT", "input", "input: 须为对象 / must be an object");
  const input = raw as unknown as Record<string, unknown>;
  const checked = readBeneficiary({ ...input, identities: input.identities ?? [], applications: input.applications ?? [], phaseOuts: input.phaseOuts ?? [] }, "input");
  // Read again as sent: a merge must tell an application sent without a decision from an approved one.
  const applications = ((input.applications ?? []) as unknown[]).map((raw, i) => readApplication(raw, `input.applications[${i}]`));
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
    applications,
    phaseOuts: checked.phaseOuts ?? [],
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
export function mergePeriods(standing: readonly CategoryPeriodEntity[], sent: readonly CategoryPeriod[], field = "input.identities"): PeriodMerge {
  const merge: PeriodMerge = { retracted: [], added: [] };
  const current = new Map<string, { to: string | null; row: CategoryPeriodEntity | null }>(standing.map((row) => [`${row.category}|${row.fromDate}`, { to: row.toDate, row }]));
  sent.forEach((period, i) => {
    const key = `${period.category}|${period.from}`;
    const held = current.get(key);
    if (held && held.to === period.to) return;
    if (held && !endsLater(period.to, held.to)) {
      throw new DomainError(
        "CONFLICT",
        `${field}[${i}].to`,
        `${field}[${i}].to: ${period.category} 自 ${period.from} 的身份登记至 ${held.to ?? "今"}，缩短须用 endCategoryPeriod / this would shorten a recorded period; use endCategoryPeriod with a reason`,
      );
    }
    if (held?.row) merge.retracted.push(held.row);
    else if (held) merge.added.splice(merge.added.findIndex((p) => `${p.category}|${p.from}` === key), 1);
    merge.added.push(period);
    current.set(key, { to: period.to, row: null });
  });
  return merge;
}

/** The rows an upsert's applications change: pending ones now decided (retracted) and applications to record. */
export interface ApplicationMerge {
  retracted: ApplicationEntity[];
  added: Application[];
}

/**
 * Merges sent applications into the standing ones, an application being its programme and date.
 * A new one is recorded (without a decision: approved on its date, assumedApproval); one sent again
 * without a decision, or with the recorded one, changes nothing; a decision on a PENDING one is
 * recorded in its place. Changing a decision already taken is CONFLICT: remove the application
 * (removeApplication, with a reason) and record it again.
 */
export function mergeApplications(standing: readonly ApplicationEntity[], sent: readonly SentApplication[]): ApplicationMerge {
  const merge: ApplicationMerge = { retracted: [], added: [] };
  const current = new Map<string, { status: string; decidedOn: string | null; row: ApplicationEntity | null }>(standing.map((row) => [`${row.program}|${row.date}`, { status: row.status, decidedOn: row.decidedOn, row }]));
  sent.forEach((application, i) => {
    const key = `${application.program}|${application.date}`;
    const held = current.get(key);
    const decision = application.decision ?? (held ? null : assumedApproval(application.date));
    if (decision === null || (held && held.status === decision.status && held.decidedOn === decision.decidedOn)) return;
    if (held && held.status !== "PENDING") {
      throw new DomainError(
        "CONFLICT",
        `input.applications[${i}].status`,
        `input.applications[${i}].status: ${application.program} ${application.date} 的申请已于 ${held.decidedOn} 作出决定 (${held.status})，更正须先 removeApplication / a decision is recorded already; to correct it, remove the application with a reason and record it again`,
      );
    }
    if (held?.row) merge.retracted.push(held.row);
    else if (held) merge.added.splice(merge.added.findIndex((a) => `${a.program}|${a.date}` === key), 1);
    merge.added.push({ program: application.program, date: application.date, ...decision });
    current.set(key, { ...decision, row: null });
  });
  return merge;
}
