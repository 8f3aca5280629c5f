/**
 * The committed SDL (schema/schema.graphql) is what the code builds: partners read the file, so it
 * must not drift. Run `npm run schema` after changing a resolver or type.
 */
import "reflect-metadata";
import * as fs from "node:fs";
import { schemaText } from "../src/gateway/emit-schema";
import { projectPath } from "../src/lib/project";

it("matches the committed schema/schema.graphql", async () => {
  const committed = fs.readFileSync(projectPath("schema", "schema.graphql"), "utf8");
  expect(await schemaText()).toBe(committed);
});

it("has no Float anywhere: money is the Money scalar", async () => {
  expect(await schemaText()).not.toMatch(/\bFloat\b/);
});
