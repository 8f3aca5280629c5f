/**
 * The subgraphs of the federation, one per owner of the data (ARCHITECTURE.md):
 * - `beneficiaries`: civil affairs' people, categories and applications;
 * - `settlements`: medical insurance's claims, settlements, adjustments, rule packs, premium
 *   subsidy, risk alerts (and `Beneficiary.claims`);
 * - `charity`: the charity federation's funds, ledger, entitlements, allocations and statements;
 * - `access`: the gateway's own API keys, served by the gateway process itself.
 * Each is a federated schema of its domain's type-graphql resolvers; the gateway composes them.
 */
import type { GraphQLSchema } from "graphql";
import { buildFederatedSchema, type ReferenceResolver } from "../lib/federation";
import { visibleKeyOf } from "../access/tenant-ids";
import { isDomainError } from "../lib/errors";
import { BeneficiaryResolver } from "../beneficiary/beneficiary.resolver";
import { ClaimResolver } from "../claim/claim.resolver";
import { BeneficiaryClaimsResolver } from "../claim/beneficiary-claims.resolver";
import { SettlementResolver } from "../settlement/settlement.resolver";
import { SettlementLineResolver } from "../settlement/settlement-line.resolver";
import { RulePackResolver } from "../rules/rule-pack.resolver";
import { JobResolver } from "../jobs/job.resolver";
import { CharityResolver } from "../charity/charity.resolver";
import { BeneficiaryEntitlementsResolver, BeneficiaryOfCharity } from "../charity/beneficiary-entitlements.resolver";
import { PremiumResolver } from "../premium/premium.resolver";
import { RiskAlertResolver } from "../warning/risk-alert.resolver";
import { ApiKeyResolver } from "../access/api-key.resolver";
import type { GatewayContext } from "./context";
import type { Services } from "./services";

/** The owners' subgraphs, which may run in processes of their own (`npm start -- --subgraph NAME`). */
export const OWNER_SUBGRAPHS = ["beneficiaries", "settlements", "charity"] as const;
export type OwnerSubgraph = (typeof OWNER_SUBGRAPHS)[number];
/** Every subgraph the gateway composes: the owners' and its own. */
export const SUBGRAPHS = [...OWNER_SUBGRAPHS, "access"] as const;
export type SubgraphName = (typeof SUBGRAPHS)[number];

type ResolverClass = new (services: Services) => object;

interface SubgraphDefinition {
  resolvers: readonly ResolverClass[];
  /** Entity types reached only through `_entities` (no field of the subgraph returns them). */
  orphanedTypes?: Function[];
  references: (services: Services) => Readonly<Record<string, ReferenceResolver<GatewayContext>>>;
}

const DEFINITIONS: Readonly<Record<SubgraphName, SubgraphDefinition>> = {
  beneficiaries: {
    resolvers: [BeneficiaryResolver],
    references: () => ({
      Beneficiary: (reference, { principal, loaders }) => {
        const visible = visibleKeyOf(principal, reference);
        return visible ? loaders.beneficiary.load(visible.key) : null;
      },
    }),
  },
  settlements: {
    resolvers: [ClaimResolver, SettlementResolver, SettlementLineResolver, RulePackResolver, JobResolver, PremiumResolver, RiskAlertResolver, BeneficiaryClaimsResolver],
    references: () => ({
      // The person as settlements knows one (its key); the rest of the person comes from its owner.
      Beneficiary: (reference, { principal }) => visibleKeyOf(principal, reference),
      Claim: (reference, { principal, loaders }) => {
        const visible = visibleKeyOf(principal, reference);
        return visible ? loaders.claim.load(visible.key) : null;
      },
    }),
  },
  charity: {
    resolvers: [CharityResolver, BeneficiaryEntitlementsResolver],
    orphanedTypes: [BeneficiaryOfCharity],
    references: (services) => ({
      Beneficiary: (reference, { principal }) => visibleKeyOf(principal, reference),
      CharityFund: async (reference, { principal }) => {
        if (typeof reference.id !== "string") return null;
        try {
          return await services.charity.fund(principal, reference.id);
        } catch (error) {
          if (isDomainError(error) && error.code === "NOT_FOUND") return null;
          throw error;
        }
      },
    }),
  },
  access: {
    resolvers: [ApiKeyResolver],
    references: () => ({}),
  },
};

/** Builds one subgraph's federated schema; its resolvers use the process's services. */
export function buildSubgraph(name: SubgraphName, services: Services): Promise<GraphQLSchema> {
  const definition = DEFINITIONS[name];
  const instances = new Map<unknown, unknown>(definition.resolvers.map((Resolver) => [Resolver, new Resolver(services)]));
  return buildFederatedSchema<GatewayContext>(
    { resolvers: definition.resolvers as unknown as [Function, ...Function[]], orphanedTypes: definition.orphanedTypes, container: { get: (someClass) => instances.get(someClass) } },
    definition.references(services),
  );
}

/** Builds the named subgraphs. */
export async function buildSubgraphs(names: readonly SubgraphName[], services: Services): Promise<Map<SubgraphName, GraphQLSchema>> {
  const built = new Map<SubgraphName, GraphQLSchema>();
  for (const name of names) built.set(name, await buildSubgraph(name, services));
  return built;
}
