/**
 * The product's gateway as a separate process, started the way an operator starts it (`node
 * dist/src/cli/start.js` of the repository, on a fresh SQLite file), with API keys made by its own
 * `apikey` command. The repository must be built first (`npm ci && npm run build` at its root;
 * `.ci/run` runs the main tests, which build it, before the plugin's).
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { REPOSITORY_DIR } from "./nocobase";

const CLI_DIR = path.join(REPOSITORY_DIR, "dist", "src", "cli");

export interface RunningGateway {
  url: string;
  /** Sends a GraphQL operation with a key, as a partner system would. */
  graphql(key: string, query: string, variables?: Record<string, unknown>): Promise<{ data?: any; errors?: Array<{ message: string; extensions?: { code?: string } }> }>;
  /** Makes a key with the gateway's own command; returns the key. */
  createKey(role: string, jurisdictions: string[], name: string): Promise<string>;
  stop(): Promise<void>;
}

function run(script: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(CLI_DIR, script), ...args], { cwd: REPOSITORY_DIR, env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** Starts a gateway on a new SQLite database and waits until it listens. */
export async function startGateway(): Promise<RunningGateway> {
  if (!fs.existsSync(path.join(CLI_DIR, "start.js"))) {
    throw new Error(`the gateway is not built: run "npm ci && npm run build" in ${REPOSITORY_DIR} first`);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "medassist-gateway-"));
  const env = { ...process.env, DATABASE_URL: `sqlite:${path.join(dir, "gateway.sqlite")}`, PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "warn" };

  const createKey: RunningGateway["createKey"] = async (role, jurisdictions, name) => {
    const result = await run("apikey.js", ["create", "--role", role, ...jurisdictions.flatMap((j) => ["--jurisdiction", j]), "--name", name], env);
    if (result.code !== 0) throw new Error(`apikey create failed (${result.code}): ${result.stderr}`);
    return result.stdout.trim().split("\n").pop()!;
  };
  // The first key also creates the database, before the gateway starts on it.
  await createKey("ADMIN", [], "plugin test setup");

  const child: ChildProcess = spawn(process.execPath, [path.join(CLI_DIR, "start.js")], { cwd: REPOSITORY_DIR, env });
  const url = await new Promise<string>((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => reject(new Error(`the gateway did not start in 60 s:\n${output}`)), 60_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const found = /Gateway: (http:\/\/[^/\s]+)\//.exec(output);
      if (found) {
        clearTimeout(timer);
        resolve(found[1]);
      }
    };
    child.stdout!.on("data", read);
    child.stderr!.on("data", read);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the gateway exited with ${code}:\n${output}`));
    });
  });
  child.removeAllListeners("exit");

  return {
    url,
    createKey,
    async graphql(key, query, variables = {}) {
      const response = await fetch(`${url}/graphql`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${key}` }, body: JSON.stringify({ query, variables }) });
      return (await response.json()) as { data?: any; errors?: Array<{ message: string; extensions?: { code?: string } }> };
    },
    async stop() {
      if (child.exitCode === null) {
        await new Promise<void>((resolve) => {
          child.once("exit", () => resolve());
          child.kill("SIGTERM");
        });
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
