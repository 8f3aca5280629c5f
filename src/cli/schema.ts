/**
 * `npm run schema`: writes the subgraphs' SDLs, the supergraph and the partners' API under schema/.
 */
import "reflect-metadata";
import * as fs from "node:fs";
import * as path from "node:path";
import { schemaFiles } from "../gateway/emit-schema";
import { projectPath } from "../lib/project";

schemaFiles().then(
  (files) => {
    for (const [name, text] of files) {
      const file = projectPath("schema", name);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, text);
      process.stdout.write(`wrote schema/${name}\n`);
    }
  },
  (error) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
