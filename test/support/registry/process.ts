/**
 * Starting the test registry as its own process, on its own data file (see registry.ts).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { ChildProcess } from "node:child_process";
import { projectPath } from "../../../src/lib/project";
import { startUntil, stop } from "../processes";
import type { RegistryPerson } from "./registry";

export interface RunningRegistry {
  /** The GraphQL endpoint. */
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Writes `people` to a fresh data file and starts the registry (built by `npm test`'s tsc) on it. */
export async function startRegistry(people: RegistryPerson[], secret: string, port = 0): Promise<RunningRegistry> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "registry-"));
  const data = path.join(dir, "people.json");
  fs.writeFileSync(data, JSON.stringify({ people }, null, 2));
  const script = projectPath("dist", "test", "support", "registry", "main.js");
  const { child, output } = await startUntil(script, [], { REGISTRY_DATA: data, SUBGRAPH_SECRET: secret, PORT: String(port) }, /registry listening on \S+/);
  const url = /registry listening on (\S+)/.exec(output())![1];
  return {
    url,
    child,
    async stop() {
      await stop(child);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
