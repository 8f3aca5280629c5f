/**
 * Per-request loaders of beneficiaries and their categories and applications.
 */
import type { EntityManager } from "typeorm";
import { manyByKey, oneByKey } from "../lib/loader";
import type { BeneficiaryRepository } from "./beneficiary.repository";

export function beneficiaryLoaders(manager: EntityManager, repository: BeneficiaryRepository) {
  return {
    beneficiary: oneByKey((ids: readonly string[]) => repository.findByIds(manager, ids), (b) => b.id),
    periods: manyByKey((ids: readonly string[]) => repository.periodsOf(manager, ids), (p) => p.beneficiaryId),
    phaseOuts: manyByKey((ids: readonly string[]) => repository.phaseOutsOf(manager, ids), (p) => p.beneficiaryId),
    applications: manyByKey((ids: readonly string[]) => repository.applicationsOf(manager, ids), (a) => a.beneficiaryId),
  };
}

export type BeneficiaryLoaders = ReturnType<typeof beneficiaryLoaders>;
