/**
 * Per-request loaders of settlements, their lines and adjustments.
 */
import type { EntityManager } from "typeorm";
import { manyByKey, oneByKey } from "../lib/loader";
import type { SettlementRepository } from "./settlement.repository";

export function settlementLoaders(manager: EntityManager, repository: SettlementRepository) {
  return {
    currentSettlement: oneByKey((ids: readonly string[]) => repository.currentOfClaims(manager, ids), (s) => s.claimId),
    settlementHistory: manyByKey((ids: readonly string[]) => repository.historyOfClaims(manager, ids), (s) => s.claimId),
    lines: manyByKey((ids: readonly string[]) => repository.linesOf(manager, ids), (l) => l.settlementId),
    adjustments: manyByKey((ids: readonly string[]) => repository.adjustmentsOf(manager, ids), (a) => a.claimId),
  };
}

export type SettlementLoaders = ReturnType<typeof settlementLoaders>;
