/**
 * A civil-affairs registry written for the tests (issue 14 item 5): another office's system that
 * owns `Beneficiary @key(fields: "jurisdiction id")` and its categories, with its own data (a JSON
 * file), built the way such an office would — `@apollo/subgraph` from a plain SDL string and
 * resolvers, none of this project's type-graphql classes. It trusts only a principal signed by the
 * gateway (PRINCIPAL_HEADER, SUBGRAPH_SECRET); `_service` alone may be asked unsigned, so that a
 * gateway can compose it. A PARTNER sees its jurisdictions' people only, and ID numbers masked.
 */
import * as fs from "node:fs";
import { ApolloServer, type ApolloServerPlugin } from "@apollo/server";
import { buildSubgraphSchema } from "@apollo/subgraph";
import { GraphQLError, Kind, parse, type OperationDefinitionNode } from "graphql";
import { CATEGORIES, PROGRAMS } from "../../../src/engine/vocabulary";
import type { Principal } from "../../../src/access/principal";
import { PRINCIPAL_HEADER, verifyPrincipal } from "../../../src/access/principal-token";

/** A person as the registry keeps it. */
export interface RegistryPerson {
  jurisdiction: string;
  id: string;
  name: string;
  township: string | null;
  nationalId: string | null;
  identities: Array<{ category: string; from: string; to: string | null }>;
  /** Without a status, an application is taken as approved on its date (as a partner's). */
  applications: Array<{ program: string; date: string; status?: string; decidedOn?: string | null }>;
  phaseOuts?: Array<{ category: string; from: string; to: string | null }>;
}

export interface RegistryContext {
  principal: Principal | null;
  /** Why the caller is not trusted, when it is not. */
  refusal: GraphQLError | null;
}

// The enums are the product's words (engine vocabulary), so that they compose with the supergraph's.
export const REGISTRY_SDL = `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])

"A calendar date, YYYY-MM-DD."
scalar Date

enum Category { ${CATEGORIES.join(" ")} }
enum Program { ${PROGRAMS.join(" ")} }

"A person certified by civil affairs; ids are the partner's own within a jurisdiction."
type Beneficiary @key(fields: "jurisdiction id") {
  id: ID!
  jurisdiction: String!
  name: String!
  township: String
  "Masked except for ADMIN callers."
  nationalId: String
  identities: [CategoryPeriod!]!
  applications: [ProgramApplication!]!
  "渐退期 periods civil affairs certified after the person left a category."
  phaseOuts: [CategoryPeriod!]!
}

type CategoryPeriod { category: Category! from: Date! to: Date }
type ProgramApplication { program: Program! date: Date! status: String decidedOn: Date }

input BeneficiaryFilter { jurisdiction: String category: String idPrefix: String }
type PageInfo @shareable { endCursor: String hasNextPage: Boolean! }
type BeneficiaryEdge { cursor: String! node: Beneficiary! }
type BeneficiaryConnection { edges: [BeneficiaryEdge!]! pageInfo: PageInfo! }

type Query {
  "The registry's people in (jurisdiction, id) order, a page at a time."
  beneficiaries(filter: BeneficiaryFilter, first: Int! = 20, after: String): BeneficiaryConnection!
}
`;

/** The registry's people by `<jurisdiction>:<id>`, as read from its data file. */
export function readRegistry(file: string): Map<string, RegistryPerson> {
  const people = (JSON.parse(fs.readFileSync(file, "utf8")) as { people: RegistryPerson[] }).people;
  return new Map(people.map((person) => [`${person.jurisdiction}:${person.id}`, person]));
}

function shown(person: RegistryPerson, principal: Principal): RegistryPerson {
  return { ...person, phaseOuts: person.phaseOuts ?? [], nationalId: principal.nationalIdAsSeen(person.nationalId) };
}

function caller(value: unknown): Principal {
  const context = value as RegistryContext;
  // The plugin below refused untrusted requests already: this is a second lock on the same door.
  if (!context.principal) throw context.refusal ?? new GraphQLError("unauthenticated", { extensions: { code: "UNAUTHENTICATED" } });
  return context.principal;
}

export function registrySchema(people: Map<string, RegistryPerson>) {
  return buildSubgraphSchema({
    typeDefs: parse(REGISTRY_SDL),
    resolvers: {
      Query: {
        beneficiaries: (_: unknown, args: { filter?: { jurisdiction?: string | null; category?: string | null; idPrefix?: string | null } | null; first: number; after?: string | null }, context: unknown) => {
          const principal = caller(context);
          const first = Math.min(Math.max(args.first, 1), 100);
          const keys = [...people.keys()].sort();
          const matching = keys.filter((key) => {
            const person = people.get(key)!;
            const filter = args.filter ?? {};
            return (
              principal.canSee(person.jurisdiction) &&
              (!filter.jurisdiction || person.jurisdiction === filter.jurisdiction) &&
              (!filter.category || person.identities.some((p) => p.category === filter.category)) &&
              (!filter.idPrefix || person.id.startsWith(filter.idPrefix)) &&
              (!args.after || key > args.after)
            );
          });
          const page = matching.slice(0, first);
          return {
            edges: page.map((key) => ({ cursor: key, node: shown(people.get(key)!, principal) })),
            pageInfo: { hasNextPage: matching.length > first, endCursor: page.length ? page[page.length - 1] : null },
          };
        },
      },
      Beneficiary: {
        __resolveReference: (reference: { jurisdiction: string; id: string }, context: unknown) => {
          const principal = caller(context);
          const person = people.get(`${reference.jurisdiction}:${reference.id}`);
          // Another jurisdiction's person answers as a missing one.
          return person && principal.canSee(person.jurisdiction) ? shown(person, principal) : null;
        },
      },
    },
  });
}

/** True when an operation asks only for `_service` (the SDL a gateway composes). */
function onlyServiceSdl(operation: OperationDefinitionNode): boolean {
  return operation.operation === "query" && operation.selectionSet.selections.every((s) => s.kind === Kind.FIELD && (s.name.value === "_service" || s.name.value === "__typename"));
}

/** Refuses, with HTTP 401, every operation but `_service` from a caller without a valid signature. */
const signedCallersOnly: ApolloServerPlugin<RegistryContext> = {
  async requestDidStart() {
    return {
      async didResolveOperation({ operation, contextValue }) {
        if (contextValue.refusal && !(operation && onlyServiceSdl(operation))) throw contextValue.refusal;
      },
    };
  },
};

export function registryServer(people: Map<string, RegistryPerson>): ApolloServer<RegistryContext> {
  return new ApolloServer<RegistryContext>({ schema: registrySchema(people), plugins: [signedCallersOnly] });
}

/** The context of one request: the principal the gateway signed, or why there is none. */
export function registryContext(headers: Record<string, string | string[] | undefined>, secret: string): RegistryContext {
  const header = headers[PRINCIPAL_HEADER];
  try {
    return { principal: verifyPrincipal(typeof header === "string" ? header : undefined, secret), refusal: null };
  } catch (error) {
    return { principal: null, refusal: new GraphQLError((error as Error).message, { extensions: { code: "UNAUTHENTICATED", http: { status: 401 } } }) };
  }
}
