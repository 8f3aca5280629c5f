/**
 * Batches of bills (issue 15): a hospital's or insurer's bills submitted and settled together. The
 * types and the pure steps — reading each bill, grouping by household, cutting transactions — live
 * here; SettlementService.settleBills runs them against the database and writes through the one
 * writer (SettlementService.flush), as a single bill does.
 */
import { DomainError, notFound } from "../lib/errors";
import { claimFingerprint } from "../engine/annual-accounts";
import { readClaim, type ClaimLimits } from "../engine/input";
import type { Claim } from "../engine/types";
import type { Principal } from "../access/principal";
import type { BeneficiaryLookup } from "../beneficiary/beneficiary-lookup";
import type { SettlementEntity } from "./settlement.entity";
import type { LineRow } from "./settlement-writes";

/** The most bills one batch may carry; more is refused whole, nothing written. */
export const MAX_BILLS_PER_BATCH = 10_000;
/** About this many bills are written per transaction (whole households: a household is never split). */
export const BILLS_PER_TRANSACTION = 1_000;

/** One bill's answer: its settlement (new, or the one stored for the same bill) or its refusal. */
export interface BillOutcome {
  /** The claim id as the partner sent it (the field's path when none could be read). */
  claimId: string;
  settlement: SettlementEntity | null;
  lines: LineRow[] | null;
  error: DomainError | null;
}

/** A bill of a batch once its input is read. */
export interface ReadBill {
  index: number;
  /** Where its fields are named from in the request, e.g. `input[3]`. */
  field: string;
  callerBeneficiaryId: string;
  /** The claim with the partner's own ids (the fingerprint is over these). */
  asSent: Claim;
  fingerprint: string;
  /** The stored household keys the partner's beneficiary id can stand for (tenant-ids). */
  keys: string[];
  /** The household, once resolved. */
  key: string | null;
}

export interface BatchOptions {
  /** The request path of bill `index`'s input (errors name fields from it). */
  fieldOf(index: number): string;
  /** The request path of the list itself (too many bills). */
  listField: string;
  /** Run inside the caller's transaction (one bill recorded with its beneficiary). */
  transaction?: import("typeorm").EntityManager;
  billsPerTransaction?: number;
  /** Told how many bills are answered so far, after each transaction. */
  onProgress?(done: number): void;
}

/** Refuses a batch larger than MAX_BILLS_PER_BATCH before anything is read or written. */
export function refuseOversizedBatch(count: number, listField: string): void {
  if (count <= MAX_BILLS_PER_BATCH) return;
  throw new DomainError("TOO_MANY_BILLS", listField, `${listField}: 一批最多 ${MAX_BILLS_PER_BATCH} 笔费用，收到 ${count} 笔 / at most ${MAX_BILLS_PER_BATCH} bills per batch; got ${count}`);
}

/** The claim id a bill's input names, for its answer even when the input cannot be read. */
function claimIdOf(raw: unknown, field: string): string {
  const id = (raw as { id?: unknown } | null)?.id;
  return typeof id === "string" ? id : field;
}

/** Reads every bill's input; a bill that cannot be read is answered with its refusal. */
export function readBills(principal: Principal, people: BeneficiaryLookup, raws: readonly unknown[], options: BatchOptions, limits: ClaimLimits): { bills: ReadBill[]; outcomes: BillOutcome[] } {
  const outcomes: BillOutcome[] = raws.map((raw, index) => ({ claimId: claimIdOf(raw, options.fieldOf(index)), settlement: null, lines: null, error: null }));
  const bills: ReadBill[] = [];
  raws.forEach((raw, index) => {
    const field = options.fieldOf(index);
    try {
      if (!raw || typeof raw !== "object" || Array.isArray(raw)) throw new DomainError("INVALID_INPUT", field, `${field}: 须为对象 / a bill is an object`);
      const input = raw as Record<string, unknown>;
      const callerBeneficiaryId = typeof input.beneficiaryId === "string" ? input.beneficiaryId : "";
      const jurisdiction = typeof input.jurisdiction === "string" && input.jurisdiction ? input.jurisdiction : null;
      const asSent = readClaim(input, callerBeneficiaryId, field, limits);
      const keys = people.keysFor(principal, callerBeneficiaryId, jurisdiction);
      if (keys.length === 0) throw notFound("beneficiary", callerBeneficiaryId, `${field}.beneficiaryId`);
      bills.push({ index, field, callerBeneficiaryId, asSent, fingerprint: claimFingerprint(asSent), keys, key: keys.length === 1 ? keys[0] : null });
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      outcomes[index].error = error;
    }
  });
  return { bills, outcomes };
}

/**
 * The households in transactions of about `size` bills, in the order of their first bill; a
 * household's bills stay together, so that its year is planned once.
 */
export function transactionsOfHouseholds(bills: readonly ReadBill[], size: number): Array<Map<string, ReadBill[]>> {
  const households = new Map<string, ReadBill[]>();
  for (const bill of bills) {
    const group = households.get(bill.key!);
    if (group) group.push(bill);
    else households.set(bill.key!, [bill]);
  }
  const chunks: Array<Map<string, ReadBill[]>> = [];
  let chunk = new Map<string, ReadBill[]>();
  let count = 0;
  for (const [key, group] of households) {
    if (count > 0 && count + group.length > size) {
      chunks.push(chunk);
      chunk = new Map();
      count = 0;
    }
    chunk.set(key, group);
    count += group.length;
  }
  if (count > 0) chunks.push(chunk);
  return chunks;
}

/** The engine names a bill's fields from `claim` and a missing parameter from `parameters`: here they are the bill's. */
export function billRenames(field: string): ReadonlyArray<readonly [string, string, "whole"?]> {
  return [
    ["claim", field],
    ["parameters", `${field}.reported`, "whole"],
  ];
}
