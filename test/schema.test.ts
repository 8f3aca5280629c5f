/**
 * The committed SDL files under schema/ are what the code builds: partners and other offices read
 * them, so they must not drift (run `npm run schema` after changing a resolver or type). The
 * supergraph composes, every owner's subgraph declares its entities, and the partners' API stays
 * compatible with the contract they integrated against.
 */
import "reflect-metadata";
import * as fs from "node:fs";
import { buildSchema, findBreakingChanges } from "graphql";
import { schemaFiles } from "../src/gateway/emit-schema";
import { projectPath } from "../src/lib/project";

let files: Map<string, string>;
beforeAll(async () => {
  files = await schemaFiles();
});

it("matches the committed files under schema/", () => {
  expect([...files.keys()].sort()).toEqual(["schema.graphql", "subgraphs/access.graphql", "subgraphs/beneficiaries.graphql", "subgraphs/charity.graphql", "subgraphs/settlements.graphql", "supergraph.graphql"]);
  for (const [name, text] of files) expect({ name, text }).toEqual({ name, text: fs.readFileSync(projectPath("schema", name), "utf8") });
});

it("declares the owners' entities with @key in their subgraphs", () => {
  const keys = (name: string) => [...files.get(`subgraphs/${name}.graphql`)!.matchAll(/^type (\w+)\s+@key\(fields: "([^"]+)"\)/gm)].map((m) => `${m[1]}(${m[2]})`).sort();
  expect(keys("beneficiaries")).toEqual(["Beneficiary(jurisdiction id)"]);
  expect(keys("settlements")).toEqual(["Beneficiary(jurisdiction id)", "Claim(jurisdiction id)"]);
  expect(keys("charity")).toEqual(["CharityFund(id)"]);
  // Fields that cross owners live with their owner.
  expect(files.get("subgraphs/beneficiaries.graphql")).not.toMatch(/\bclaims\b/);
  expect(files.get("subgraphs/settlements.graphql")).toMatch(/type Beneficiary[^}]*\bclaims: \[Claim!\]!/s);
  expect(files.get("supergraph.graphql")).toMatch(/@join__graph\(name: "settlements"/);
});

it("keeps the partners' API compatible with the contract they integrated against", () => {
  const contract = buildSchema(fs.readFileSync(projectPath("schema", "partner-contract.graphql"), "utf8"));
  const api = buildSchema(files.get("schema.graphql")!);
  expect(findBreakingChanges(contract, api).map((c) => `${c.type}: ${c.description}`)).toEqual([]);
});

it("has no Float anywhere: money is the Money scalar", () => {
  for (const text of files.values()) expect(text).not.toMatch(/\bFloat\b/);
});
