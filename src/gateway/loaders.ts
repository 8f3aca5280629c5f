/**
 * All the loaders of one request.
 */
import type { DataSource } from "typeorm";
import { beneficiaryLoaders } from "../beneficiary/beneficiary.loaders";
import { claimLoaders } from "../claim/claim.loaders";
import { settlementLoaders } from "../settlement/settlement.loaders";
import type { Services } from "./services";

export function createLoaders(dataSource: DataSource, services: Services) {
  const manager = dataSource.manager;
  return {
    ...beneficiaryLoaders(manager, services.beneficiaries.repository),
    ...claimLoaders(manager, services.claims.repository),
    ...settlementLoaders(manager, services.settlements.repository),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
