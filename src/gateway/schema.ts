/**
 * The GraphQL schema, built from the resolvers of every domain. The SDL is emitted to
 * schema/schema.graphql; a test fails when the committed file differs from the code.
 */
import "reflect-metadata";
import { buildSchema } from "type-graphql";
import type { GraphQLSchema } from "graphql";
import { BeneficiaryResolver } from "../beneficiary/beneficiary.resolver";
import { ClaimResolver } from "../claim/claim.resolver";
import { SettlementResolver } from "../settlement/settlement.resolver";
import { SettlementLineResolver } from "../settlement/settlement-line.resolver";
import { RulePackResolver } from "../rules/rule-pack.resolver";
import { CharityResolver } from "../charity/charity.resolver";
import { PremiumResolver } from "../premium/premium.resolver";
import { RiskAlertResolver } from "../warning/risk-alert.resolver";
import { ApiKeyResolver } from "../access/api-key.resolver";
import type { Services } from "./services";

export const RESOLVERS = [BeneficiaryResolver, ClaimResolver, SettlementResolver, SettlementLineResolver, RulePackResolver, CharityResolver, PremiumResolver, RiskAlertResolver, ApiKeyResolver] as const;

/** Builds the schema; resolvers get the process's services through a minimal container. */
export async function buildGatewaySchema(services: Services, emitTo?: string): Promise<GraphQLSchema> {
  const instances = new Map<unknown, unknown>(RESOLVERS.map((Resolver) => [Resolver, new Resolver(services)]));
  return buildSchema({
    resolvers: [...RESOLVERS],
    container: { get: (someClass) => instances.get(someClass) },
    validate: false,
    emitSchemaFile: emitTo ? { path: emitTo, sortedSchema: true } : false,
  });
}
