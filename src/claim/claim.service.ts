/**
 * Submitting claims. A claim is checked as fully as settling it would check it — input, the
 * beneficiary, the pack in force, parameters, reported tiers — so that a claim that cannot be
 * settled is refused at the door and nothing of it is stored.
 */
import type { DataSource, EntityManager } from "typeorm";
import { notFound, withFieldsRenamed } from "../lib/errors";
import { nowIso, type TransactionRunner } from "../lib/db";
import { yearOf } from "../lib/dates";
import { DEFAULT_BILL_LIMITS, type BillLimits } from "../lib/config";
import { readClaim } from "../engine/input";
import { claimFingerprint } from "../engine/annual-accounts";
import type { Beneficiary, Claim } from "../engine/types";
import { RECORD_KEEPERS, type Principal } from "../access/principal";
import type { AuditService } from "../access/audit.service";
import { partnerId, scopedKey } from "../access/tenant-ids";
import type { BeneficiaryLookup } from "../beneficiary/beneficiary-lookup";
import { lockHousehold } from "../settlement/household-lock";
import { ClaimEntity } from "./claim.entity";
import { ClaimRepository } from "./claim.repository";
import { claimLimits, claimRow, fullYear, usedClaimId } from "./claim.mapping";

/**
 * Settles a claim against its household's stored year without writing (the settlement service's
 * dryRun): the one thing submitting needs of settling, passed in so that the two services do not
 * import each other.
 */
export type ClaimCheck = (manager: EntityManager, jurisdiction: string, claim: Claim, beneficiary: Beneficiary) => Promise<unknown>;

export class ClaimService {
  readonly repository = new ClaimRepository();

  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: TransactionRunner,
    /** People's certified records, through the beneficiary port. */
    private readonly people: BeneficiaryLookup,
    private readonly check: ClaimCheck,
    private readonly audit: AuditService,
    private readonly billLimits: BillLimits = DEFAULT_BILL_LIMITS,
  ) {}

  /**
   * Records a claim, idempotently by its id: the same claim again returns the stored one; another
   * bill under a used id is refused with CONFLICT. The id is the partner's own within the
   * beneficiary's jurisdiction (tenant-ids). Given a `transaction`, it runs inside it.
   */
  async submit(principal: Principal, raw: Record<string, unknown>, transaction?: EntityManager): Promise<ClaimEntity> {
    principal.requireRole(...RECORD_KEEPERS);
    const callerBeneficiaryId = typeof raw.beneficiaryId === "string" ? raw.beneficiaryId : "";
    const jurisdiction = typeof raw.jurisdiction === "string" ? raw.jurisdiction : null;
    const asSent = readClaim(raw, callerBeneficiaryId, "input", claimLimits(this.billLimits));
    // The fingerprint is over the partner's own ids, as it was before ids had namespaces.
    const fingerprint = claimFingerprint(asSent);
    const beneficiary = await this.people.visible(principal, callerBeneficiaryId, jurisdiction, "input.beneficiaryId", "input.jurisdiction", transaction);
    const beneficiaryId = beneficiary.key;
    const claim: Claim = { ...asSent, id: scopedKey(beneficiary.jurisdiction, asSent.id), beneficiaryId };

    return this.transactions.joinOrRun(transaction, async (manager) => {
      await lockHousehold(manager, beneficiaryId);
      const existing = await this.repository.findById(manager, claim.id);
      if (existing) return this.sameOrConflict(existing, fingerprint);
      await this.refuseFullYear(manager, beneficiaryId, yearOf(claim.date));
      // Refuse now what settling would refuse (pack, parameters, reported tiers), storing nothing.
      // The engine names the claim's fields from `claim`; a partner passes a missing parameter by reporting the tier.
      await withFieldsRenamed(
        [
          ["claim", "input"],
          ["parameters", "input.reported", "whole"],
        ],
        () => this.check(manager, beneficiary.jurisdiction, claim, beneficiary.beneficiary),
      );
      const sequence = await this.repository.nextSequence(manager, beneficiaryId);
      const entity = claimRow(claim, { jurisdiction: beneficiary.jurisdiction, fingerprint, status: "SUBMITTED", sequence, submittedBy: principal.keyId, submittedAt: nowIso() });
      await manager.insert(ClaimEntity, entity);
      await this.audit.record(manager, principal.keyId, "claim.submit", "claim", claim.id, { beneficiaryId, date: claim.date, total: claim.fees.total.toFixed(2) });
      return entity;
    });
  }

  /** Refuses a bill beyond the per-year cap, which bounds a year's replay and its sums. */
  private async refuseFullYear(manager: EntityManager, beneficiaryId: string, year: number): Promise<void> {
    const count = await this.repository.countOfYear(manager, beneficiaryId, year);
    if (count < this.billLimits.maxBillsPerYear) return;
    throw fullYear("input.date", partnerId(beneficiaryId), year, count);
  }

  private sameOrConflict(existing: ClaimEntity, fingerprint: string): ClaimEntity {
    const id = partnerId(existing.id);
    if (existing.fingerprint !== fingerprint) throw usedClaimId("input.id", id);
    return existing;
  }

  /** The claim a caller means by its id, or NOT_FOUND: another jurisdiction's same id answers as a missing one. */
  async get(principal: Principal, id: string, jurisdiction?: string | null, manager: EntityManager = this.dataSource.manager): Promise<ClaimEntity> {
    const entity = await this.repository.findByCallerId(manager, this.people.keysFor(principal, id, jurisdiction), id);
    if (!entity) throw notFound("claim", id);
    return entity;
  }
}
