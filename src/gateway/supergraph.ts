/**
 * The supergraph: the subgraphs' SDLs composed with The Guild's federation composition (MIT), and
 * executed by Hive Gateway's federation engine (`@graphql-tools/federation`, MIT) behind the same
 * Apollo Server as before, so that limits, error shapes and metrics stay one implementation.
 * Each subgraph is reached through an executor: in-process (one process runs everything) or over
 * HTTP with the caller's principal signed (`npm start -- --gateway`).
 */
import { composeServices } from "@theguild/federation-composition";
import { getStitchedSchemaFromSupergraphSdl } from "@graphql-tools/federation";
import type { Executor } from "@graphql-tools/utils";
import { parse, type GraphQLSchema } from "graphql";
import { subgraphSdl } from "../lib/federation";
import type { SubgraphName } from "./subgraphs";

export interface Composition {
  /** The supergraph SDL with its join directives (schema/supergraph.graphql). */
  supergraphSdl: string;
  /** The API partners see (schema/schema.graphql). */
  publicSdl: string;
}

/** Composes subgraph SDLs; a composition error is a defect of the code, never of a request. */
export function composeSdls(sdls: ReadonlyArray<{ name: SubgraphName; sdl: string; url?: string }>): Composition {
  const result = composeServices(sdls.map(({ name, sdl, url }) => ({ name, typeDefs: parse(sdl), url: url ?? `http://${name}.invalid/graphql` })));
  if (result.errors) throw new Error(`the subgraphs do not compose:\n${result.errors.map((e) => `- ${e.message}`).join("\n")}`);
  return { supergraphSdl: result.supergraphSdl, publicSdl: result.publicSdl };
}

/** Composes built subgraph schemas. */
export function composeSchemas(subgraphs: ReadonlyMap<SubgraphName, GraphQLSchema>): Composition {
  return composeSdls([...subgraphs].map(([name, schema]) => ({ name, sdl: subgraphSdl(schema) })));
}

/** The executable gateway schema: every subgraph field delegated through that subgraph's executor. */
export function gatewaySchemaOf(supergraphSdl: string, executorOf: (name: SubgraphName) => Executor): GraphQLSchema {
  return getStitchedSchemaFromSupergraphSdl({
    supergraphSdl,
    onSubschemaConfig: (config) => {
      config.executor = executorOf(config.name.toLowerCase() as SubgraphName);
    },
  });
}
