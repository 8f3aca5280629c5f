/**
 * What settlements ask of the beneficiary port, with the product's id rules (tenant-ids): the
 * person a caller means by its id, or one by stored key; NOT_FOUND for a person the owner does
 * not know, as for one of another jurisdiction.
 */
import type { EntityManager } from "typeorm";
import { notFound } from "../lib/errors";
import type { Principal } from "../access/principal";
import { candidateKeys, onlyOne, partnerId } from "../access/tenant-ids";
import type { BeneficiaryRecord, BeneficiarySource } from "./beneficiary-source";

export class BeneficiaryLookup {
  constructor(
    readonly source: BeneficiarySource,
    /** Every jurisdiction with a pack: where an id of an all-seeing key may live. */
    private readonly jurisdictions: () => readonly string[],
  ) {}

  /** The stored keys a caller's id can stand for. */
  keysFor(principal: Principal, id: string, jurisdiction?: string | null): string[] {
    return candidateKeys(principal, id, this.jurisdictions(), jurisdiction);
  }

  /**
   * The person a caller means by its id (in `jurisdiction` when given, else in the key's
   * jurisdictions): NOT_FOUND naming `field`, AMBIGUOUS_ID naming `jurisdictionField`.
   */
  async visible(principal: Principal, id: string, jurisdiction: string | null | undefined, field: string, jurisdictionField = "jurisdiction", transaction?: EntityManager): Promise<BeneficiaryRecord> {
    const found = await this.source.records(this.keysFor(principal, id, jurisdiction), { principal, transaction });
    const record = onlyOne([...found.values()], "beneficiary", id, jurisdictionField);
    if (!record) throw notFound("beneficiary", id, field);
    return record;
  }

  /** The person with a stored key (a household settlements already hold), or NOT_FOUND. */
  async byKey(principal: Principal, key: string, transaction?: EntityManager): Promise<BeneficiaryRecord> {
    const record = (await this.source.records([key], { principal, transaction })).get(key);
    if (!record) throw notFound("beneficiary", partnerId(key), "beneficiaryId");
    return record;
  }
}
