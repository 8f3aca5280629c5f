/**
 * `npm run schema`: writes the GraphQL SDL to schema/schema.graphql.
 */
import "reflect-metadata";
import * as fs from "node:fs";
import { schemaText } from "../gateway/emit-schema";
import { projectPath } from "../lib/project";

schemaText().then(
  (text) => {
    fs.writeFileSync(projectPath("schema", "schema.graphql"), text);
    process.stdout.write("wrote schema/schema.graphql\n");
  },
  (error) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
