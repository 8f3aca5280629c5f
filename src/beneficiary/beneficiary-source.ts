/**
 * The port through which settlements read a person's certified record (ARCHITECTURE.md:
 * "Settlements → Beneficiaries through a port"). Settlements know this file and the lookup beside
 * it, never the beneficiaries' entities, repositories or service. Its adapters: in-process (this
 * process's beneficiaries, the default) and remote (`_entities` on the subgraph that owns
 * `Beneficiary`, e.g. a civil-affairs registry).
 */
import type { EntityManager } from "typeorm";
import type { Beneficiary } from "../engine/types";
import type { Principal } from "../access/principal";

/** A person's record as settling reads it. */
export interface BeneficiaryRecord {
  /** The stored key, `<jurisdiction>:<id>` (tenant-ids). */
  key: string;
  jurisdiction: string;
  /** The engine's view: categories with their periods, applications; its id is the stored key. */
  beneficiary: Beneficiary;
  /** Who the person is, as the owner shows it to the caller (the national ID masked unless ADMIN). */
  person: { name: string; nationalId: string | null; township: string | null };
}

/** Who asks, and the transaction a read must see (the in-process adapter reads inside it). */
export interface SourceCaller {
  principal: Principal;
  transaction?: EntityManager;
}

export interface BeneficiarySource {
  /**
   * True when every caller gets the records as the owner holds them (national ID unmasked): what
   * settling read then serves its events too, without a second read as settlements themselves.
   */
  readonly showsInFull: boolean;

  /**
   * The records of the people with these stored keys, by key, in one batch; a key the owner does
   * not know (or does not show this caller) is absent. Throws BENEFICIARY_SOURCE_UNAVAILABLE when
   * the owner cannot answer.
   */
  records(keys: readonly string[], caller: SourceCaller): Promise<Map<string, BeneficiaryRecord>>;

  /**
   * One page of a jurisdiction's people, after the opaque cursor `after` (null: from the start),
   * with the cursor of the next page (null: none). The premium-subsidy report lists every certified
   * person, not only those with bills.
   */
  page(jurisdiction: string, after: string | null, limit: number, caller: SourceCaller): Promise<BeneficiaryPage>;
}

export interface BeneficiaryPage {
  records: BeneficiaryRecord[];
  next: string | null;
}
