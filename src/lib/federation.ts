/**
 * Apollo Federation 2 subgraphs from type-graphql resolvers: type-graphql builds the schema from
 * the classes (entities marked `@Directive('@key(fields: "...")')`), and `@apollo/subgraph` turns
 * its SDL into a subgraph with `_service` and `_entities`. The resolvers stay type-graphql's; each
 * entity's `__resolveReference` is given here, since type-graphql has no decorator for it.
 */
import { buildSubgraphSchema, printSubgraphSchema } from "@apollo/subgraph";
import { printSchemaWithDirectives } from "@graphql-tools/utils";
import { isObjectType, parse, specifiedDirectives, type GraphQLSchema } from "graphql";
import { buildSchema, createResolversMap, type BuildSchemaOptions } from "type-graphql";

/** The federation directives the subgraphs use, imported by name as Federation 2 requires. */
const FEDERATION_LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable", "@external", "@requires"])';

/** How an entity of this subgraph is found from its key fields (`{ __typename, ...key }`). */
export type ReferenceResolver<TContext> = (reference: Record<string, unknown>, context: TContext) => unknown;

/** Builds one subgraph: the type-graphql schema of `resolvers`, then the federated schema. */
export async function buildFederatedSchema<TContext>(options: Pick<BuildSchemaOptions, "resolvers" | "container" | "orphanedTypes">, references: Readonly<Record<string, ReferenceResolver<TContext>>>): Promise<GraphQLSchema> {
  const plain = await buildSchema({ ...options, validate: false, skipCheck: true, directives: [...specifiedDirectives] });
  const resolvers = createResolversMap(plain) as Record<string, Record<string, unknown>>;
  for (const [typeName, resolveReference] of Object.entries(references)) {
    if (!resolvers[typeName]) throw new Error(`a reference resolver was given for ${typeName}, which this subgraph does not have`);
    resolvers[typeName] = { ...resolvers[typeName], __resolveReference: resolveReference };
  }
  const typeDefs = parse(`${FEDERATION_LINK}\n${printSchemaWithDirectives(plain)}`);
  const subgraph = buildSubgraphSchema({ typeDefs, resolvers: resolvers as never });
  adoptComplexities(subgraph, plain);
  return subgraph;
}

/**
 * Gives `target`'s fields the query cost (`complexity`) that `source`'s same fields declare. SDL
 * does not carry it, so a schema rebuilt from SDL (a subgraph, the gateway) takes it from the
 * schema built from the code. A field that declares none costs the default.
 */
export function adoptComplexities(target: GraphQLSchema, source: GraphQLSchema): void {
  for (const type of Object.values(source.getTypeMap())) {
    const counterpart = target.getType(type.name);
    if (!isObjectType(type) || !isObjectType(counterpart)) continue;
    for (const [name, field] of Object.entries(type.getFields())) {
      const complexity = field.extensions?.complexity;
      const same = counterpart.getFields()[name];
      if (typeof complexity === "number" && same) Object.assign(same, { extensions: { ...same.extensions, complexity } });
    }
  }
}

/** The SDL a subgraph publishes (`_service { sdl }`): what composition reads. */
export function subgraphSdl(schema: GraphQLSchema): string {
  return printSubgraphSchema(schema);
}
