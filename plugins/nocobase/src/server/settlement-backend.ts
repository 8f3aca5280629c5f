/**
 * What the plugin's actions need from a settlement backend. Two backends exist: the engine
 * in-process with the year-to-date accounts in NocoBase's database (library mode), and the gateway
 * over GraphQL (gateway mode), where the accounts and the charity ledger live in the gateway.
 */
import type { CaseInput } from "./case-input";
import type { CaseSettlement, HouseholdStatement } from "./settlement-result";

/** Stores a case's settlement into the case record; `transaction` is NocoBase's, where there is one. */
export type WriteBack = (caseId: string, settlement: CaseSettlement, transaction: unknown) => Promise<void>;

export interface SettlementBackend {
  readonly mode: "library" | "gateway";
  /** A what-if on top of what the household has been paid this year; nothing is stored. */
  quote(input: CaseInput): Promise<CaseSettlement>;
  /**
   * Settles a case's claim once, counting it in the household's year; the same case again gives
   * the same settlement, and a case changed since it was settled is refused with CONFLICT.
   * `writeBack` stores a settlement into a case record — this case's, and those of the household's
   * other cases whose settlement a bill dated before them changed; in library mode inside the same
   * transaction as the settlement.
   */
  settle(caseId: string, input: CaseInput, writeBack: WriteBack): Promise<CaseSettlement>;
  /** The household's resolution statement (化解清单) of a year. */
  statement(beneficiaryId: string, year: number): Promise<HouseholdStatement>;
}
