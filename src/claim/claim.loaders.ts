/**
 * Per-request loaders of claims.
 */
import type { EntityManager } from "typeorm";
import { manyByKey, oneByKey } from "../lib/loader";
import type { ClaimRepository } from "./claim.repository";

export function claimLoaders(manager: EntityManager, repository: ClaimRepository) {
  return {
    claim: oneByKey((ids: readonly string[]) => repository.findByIds(manager, ids), (c) => c.id),
    claimsOfBeneficiary: manyByKey((ids: readonly string[]) => repository.byBeneficiaries(manager, ids), (c) => c.beneficiaryId),
  };
}

export type ClaimLoaders = ReturnType<typeof claimLoaders>;
