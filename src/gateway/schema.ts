/**
 * The gateway's GraphQL schema: the subgraphs of every owner, composed into one supergraph and
 * executed through each subgraph's executor. Run as one process, every subgraph is executed in
 * that process; the SDLs are emitted to schema/ (subgraphs, supergraph, the partners' API) and a
 * test fails when the committed files differ from the code.
 */
import "reflect-metadata";
import { createDefaultExecutor } from "@graphql-tools/delegate";
import type { Executor } from "@graphql-tools/utils";
import { GraphQLScalarType, getNamedType, isObjectType, type GraphQLSchema } from "graphql";
import { DateScalar, MoneyScalar } from "../lib/graphql";
import { adoptComplexities } from "../lib/federation";
import { buildSubgraph, buildSubgraphs, OWNER_SUBGRAPHS, SUBGRAPHS, type SubgraphName } from "./subgraphs";
import { composeSdls, composeSchemas, gatewaySchemaOf, type Composition } from "./supergraph";
import { remoteExecutor, subgraphSdlOf, type RemoteSubgraphs } from "./remote-subgraphs";
import { subgraphSdl } from "../lib/federation";
import type { Logger } from "../lib/logger";
import type { Services } from "./services";

export interface GatewaySchema {
  schema: GraphQLSchema;
  composition: Composition;
  /** How each subgraph is asked, by its composed name. */
  executorOf: (subgraph: string) => Executor;
}

/** The one-process gateway: every subgraph built here and executed in this process. */
export async function buildGatewaySchema(services: Services): Promise<GatewaySchema> {
  const subgraphs = await buildSubgraphs(SUBGRAPHS, services);
  const composition = composeSchemas(subgraphs);
  const executors = new Map<SubgraphName, Executor>([...subgraphs].map(([name, schema]) => [name, createDefaultExecutor(schema)]));
  const executorOf = executorsOf(executors);
  const schema = federatedGatewaySchema(composition.supergraphSdl, executorOf);
  // SDL does not carry a field's declared query cost (e.g. a pack document's size): take it from the subgraphs.
  for (const subgraph of subgraphs.values()) adoptComplexities(schema, subgraph);
  return { schema, composition, executorOf };
}

/**
 * The spread-out gateway: the owners' subgraphs reached over HTTP, its own (API keys) in this
 * process. A subgraph named in SUBGRAPHS may be another office's (e.g. a registry owning
 * Beneficiary) as long as it composes.
 */
export async function buildRemoteGatewaySchema(services: Services, remote: RemoteSubgraphs, logger: Logger): Promise<GatewaySchema> {
  const access = await buildSubgraph("access", services);
  const sdls = await Promise.all([...remote.urls].map(async ([name, url]) => ({ name, url, sdl: await subgraphSdlOf(name, url, remote.timeoutMillis, logger) })));
  const composition = composeSdls([...sdls, { name: "access", sdl: subgraphSdl(access) }]);
  const executors = new Map<SubgraphName, Executor>([...remote.urls].map(([name, url]) => [name, remoteExecutor(name, url, remote)]));
  executors.set("access", createDefaultExecutor(access));
  const executorOf = executorsOf(executors);
  const schema = federatedGatewaySchema(composition.supergraphSdl, executorOf);
  // The query costs the code declares, for the subgraphs this code builds.
  for (const subgraph of (await buildSubgraphs(OWNER_SUBGRAPHS, {} as Services)).values()) adoptComplexities(schema, subgraph);
  adoptComplexities(schema, access);
  return { schema, composition, executorOf };
}

function executorsOf(executors: ReadonlyMap<SubgraphName, Executor>): (subgraph: string) => Executor {
  return (subgraph) => {
    const executor = executors.get(subgraph as SubgraphName);
    if (!executor) throw new Error(`no executor for the subgraph ${subgraph}`);
    return executor;
  };
}

/**
 * The executable supergraph with the product's own scalars at its edge: a Money or Date argument is
 * refused by the gateway (INVALID_AMOUNT, INVALID_DATE) before any subgraph is asked.
 */
export function federatedGatewaySchema(supergraphSdl: string, executorOf: (name: SubgraphName) => Executor): GraphQLSchema {
  const schema = gatewaySchemaOf(supergraphSdl, executorOf);
  for (const scalar of [MoneyScalar, DateScalar]) adoptScalar(schema, scalar);
  passAnswersThrough(schema, MoneyScalar.name);
  return schema;
}

/**
 * The stitching engine reads a subgraph's leaf answer back through the scalar's input parser; a
 * Money answer may be negative (an adjustment's difference), which no Money input may be. So a
 * Money field takes the subgraph's answer as it came (the subgraph formatted it, and the gateway's
 * serialiser checks its form again); anything else (an error, a missing value) goes the usual way.
 */
function passAnswersThrough(schema: GraphQLSchema, scalarName: string): void {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith("__")) continue;
    for (const field of Object.values(type.getFields())) {
      if (getNamedType(field.type).name !== scalarName || !field.resolve) continue;
      const usual = field.resolve;
      field.resolve = (parent, args, context, info) => {
        // The stitched parent holds the answer under the field's response key (its alias, if any).
        const answer = parent?.[info.fieldNodes[0]?.alias?.value ?? info.fieldName];
        return typeof answer === "string" ? answer : usual(parent, args, context, info);
      };
    }
  }
}

/** Gives the composed schema's scalar of that name the product's parsing and serialising. */
function adoptScalar(schema: GraphQLSchema, implementation: GraphQLScalarType): void {
  const composed = schema.getType(implementation.name);
  if (!(composed instanceof GraphQLScalarType)) return;
  Object.assign(composed, { serialize: implementation.serialize, parseValue: implementation.parseValue, parseLiteral: implementation.parseLiteral });
}
