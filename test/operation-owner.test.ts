/**
 * Which operations one subgraph answers alone, on the committed supergraph: those the gateway
 * forwards as they are. Another owner's field (even behind a fragment), `__typename` and
 * introspection must be planned.
 */
import * as fs from "node:fs";
import { parse, print } from "graphql";
import { operationOwners } from "../src/gateway/operation-owner";
import { projectPath } from "../src/lib/project";
import { READ_DOCUMENT, SETTLE_DOCUMENT } from "../src/bench/gateway/operations";

const ownerOf = operationOwners(fs.readFileSync(projectPath("schema", "supergraph.graphql"), "utf8"));
const owner = (query: string, operationName?: string) => ownerOf(parse(query), operationName)?.subgraph ?? null;

describe("the one owner of an operation", () => {
  it.each([
    ["a claim's settlement with its lines", READ_DOCUMENT, "settlements"],
    ["submit and settle in one mutation", SETTLE_DOCUMENT, "settlements"],
    ["a person with categories", `{ beneficiary(id: "P-1") { name identities { category from } } }`, "beneficiaries"],
    ["a claim with its person's key", `{ claim(id: "C-1") { id beneficiary { id jurisdiction } } }`, "settlements"],
    ["the API keys (the gateway's own)", `{ apiKeys { id } }`, "access"],
    ["a fragment of the same owner", `query { claim(id: "C-1") { ...Paid } } fragment Paid on Claim { id settlement { selfPay } }`, "settlements"],
    ["an inline fragment", `{ claim(id: "C-1") { ... on Claim { id } ... @include(if: true) { kind } } }`, "settlements"],
  ])("%s: %s", (_what, query, expected) => {
    expect(owner(query)).toBe(expected);
  });

  it.each([
    ["a person's claims (settlements) beside their name (beneficiaries)", `{ beneficiary(id: "P-1") { name claims { id } } }`],
    ["a claim's person's name (an entity join)", `{ claim(id: "C-1") { beneficiary { name } } }`],
    ["another owner's field inside a fragment", `query { beneficiary(id: "P-1") { ...P } } fragment P on Beneficiary { name claims { id } }`],
    ["root fields of two owners", `{ rulePacks { id } charityFunds { id } }`],
    ["__typename alone", `{ __typename }`],
    ["__typename beside owned fields", `{ claim(id: "C-1") { __typename id } }`],
    ["introspection of the schema", `{ __schema { types { name } } }`],
    ["introspection of a type", `{ __type(name: "Claim") { name } }`],
    ["a field no subgraph has", `{ claim(id: "C-1") { noSuchField } }`],
  ])("none for %s", (_what, query) => {
    expect(owner(query)).toBeNull();
  });

  it("sends the owner only the chosen operation and the fragments it uses", () => {
    const document = parse(`query Read { claim(id: "C-1") { ...Paid } } query Join { beneficiary(id: "P-1") { name claims { id } } } fragment Paid on Claim { id } fragment Name on Beneficiary { name }`);
    const read = ownerOf(document, "Read");
    expect(read?.subgraph).toBe("settlements");
    expect(print(read!.document)).toBe(print(parse(`query Read { claim(id: "C-1") { ...Paid } } fragment Paid on Claim { id }`)));
    expect(ownerOf(document, "Join")).toBeNull();
    // Without a name, a document of several operations has no operation to choose.
    expect(ownerOf(document, undefined)).toBeNull();
  });

  it("sends a document that is all the operation as it is", () => {
    const document = parse(READ_DOCUMENT);
    expect(ownerOf(document, undefined)?.document).toBe(document);
  });
});
