/**
 * How a stored claim becomes the engine's input. Apart from the service so that the settlement
 * domain can read claims without importing the claim service (which imports it back).
 */
import { todayInChina } from "../lib/dates";
import type { BillLimits } from "../lib/config";
import type { ClaimLimits } from "../engine/input";
import type { Claim, Tier } from "../engine/types";
import type { Money } from "../lib/money";
import type { ClaimEntity, ClaimStatus } from "./claim.entity";
import { DomainError } from "../lib/errors";

/** The engine's view of a stored claim. */
export function toEngineClaim(entity: ClaimEntity): Claim {
  const reported: Partial<Record<Tier, Money>> = {};
  if (entity.reportedBasic) reported.basic = entity.reportedBasic;
  if (entity.reportedCritical) reported.critical = entity.reportedCritical;
  if (entity.reportedAssistance) reported.assistance = entity.reportedAssistance;
  if (entity.reportedReassistance) reported.reassistance = entity.reportedReassistance;
  if (entity.reportedCommercial) reported.commercial = entity.reportedCommercial;
  return {
    id: entity.id,
    beneficiaryId: entity.beneficiaryId,
    date: entity.date,
    kind: entity.kind as Claim["kind"],
    referred: entity.referred,
    inProvince: entity.inProvince,
    guidanceFollowed: entity.guidanceFollowed,
    insuredType: entity.insuredType as Claim["insuredType"],
    fees: { total: entity.total, outOfCatalog: entity.outOfCatalog, classBSelfPay: entity.classBSelfPay, overStandard: entity.overStandard },
    reported,
  };
}

/** The engine's plausibility limits for a bill read now. */
export function claimLimits(limits: BillLimits): ClaimLimits {
  return { latestDate: todayInChina(), maxAmount: limits.maxBillTotal };
}

/** The stored row of a claim read from a partner's input: what submitting and a batch both store. */
export function claimRow(claim: Claim, stored: { jurisdiction: string; fingerprint: string; status: ClaimStatus; sequence: number; submittedBy: string; submittedAt: string }): ClaimEntity {
  return {
    id: claim.id,
    beneficiaryId: claim.beneficiaryId,
    jurisdiction: stored.jurisdiction,
    date: claim.date,
    year: Number(claim.date.slice(0, 4)),
    kind: claim.kind,
    referred: claim.referred,
    inProvince: claim.inProvince,
    guidanceFollowed: claim.guidanceFollowed,
    insuredType: claim.insuredType,
    total: claim.fees.total,
    outOfCatalog: claim.fees.outOfCatalog,
    classBSelfPay: claim.fees.classBSelfPay,
    overStandard: claim.fees.overStandard,
    reportedBasic: claim.reported.basic ?? null,
    reportedCritical: claim.reported.critical ?? null,
    reportedAssistance: claim.reported.assistance ?? null,
    reportedReassistance: claim.reported.reassistance ?? null,
    reportedCommercial: claim.reported.commercial ?? null,
    fingerprint: stored.fingerprint,
    status: stored.status,
    sequence: stored.sequence,
    submittedBy: stored.submittedBy,
    submittedAt: stored.submittedAt,
  };
}

/** A claim id already used for a bill of other content (one wording for one bill and for a batch). */
export function usedClaimId(field: string, id: string): DomainError {
  return new DomainError("CONFLICT", field, `${field}: 编号 ${id} 已用于另一笔费用 / claim id ${id} was already submitted with different content; use a new id for a new bill`);
}

/** A bill beyond the per-year cap, which bounds a year's replay and its sums. */
export function fullYear(field: string, beneficiaryId: string, year: number, count: number): DomainError {
  return new DomainError("TOO_MANY_BILLS", field, `${field}: ${beneficiaryId} 在 ${year} 年已有 ${count} 笔费用，已达上限 / ${beneficiaryId} already has ${count} bills in ${year}, the most one year may have (MAX_BILLS_PER_YEAR)`);
}
