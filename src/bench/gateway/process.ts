/**
 * The gateway under test, in a process of its own (`node dist/src/cli/start.js`): autocannon
 * generating load in this process must not share the gateway's thread, or each would slow the other.
 */
import { spawn } from "node:child_process";
import * as path from "node:path";

export interface GatewayProcess {
  url: string;
  /** The CPU profile the process writes when it stops, when it was started with one. */
  profileFile: string | null;
  /** Stops the process (SIGTERM: the gateway closes its server and database) and waits for it. */
  stop(): Promise<void>;
}

/** Keeps the last part of the process's output, for the error message when it fails. */
function tail(text: string): string {
  return text.length > 4000 ? `…${text.slice(-4000)}` : text;
}

/**
 * Starts `script` (the compiled start command) on `databaseUrl`, on a free port, logging only
 * warnings, and resolves with its URL once it prints `Gateway: http://HOST:PORT/`. With
 * `profileDir`, the process runs under `node --cpu-prof` and writes its profile there on exit.
 */
export async function spawnGateway(script: string, databaseUrl: string, profileDir: string | null, profileName: string, role: { args: string[]; env: Record<string, string>; ready: RegExp } = { args: [], env: {}, ready: /Gateway: (http:\/\/\S+?)\/\s/ }): Promise<GatewayProcess> {
  const profileFile = profileDir ? path.resolve(profileDir, `${profileName}.cpuprofile`) : null;
  const flags = profileFile ? ["--cpu-prof", `--cpu-prof-dir=${path.dirname(profileFile)}`, `--cpu-prof-name=${path.basename(profileFile)}`] : [];
  const child = spawn(process.execPath, [...flags, script, ...role.args], {
    // The benchmark measures the gateway's capacity from one key and address: no rate limits.
    env: { ...process.env, DATABASE_URL: databaseUrl, PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "warn", RATE_LIMIT_PER_KEY_PER_MINUTE: "0", RATE_LIMIT_PER_ADDRESS_PER_MINUTE: "0", AUTH_FAILURES_PER_ADDRESS_PER_MINUTE: "0", SHUTDOWN_DRAIN_SECONDS: "0", ...role.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the gateway did not start within 120 s:\n${tail(output)}`)), 120_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = role.ready.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the gateway exited with ${code} before it listened:\n${tail(output)}`));
    });
  });
  // From now on, what the gateway logs (warnings and errors at LOG_LEVEL=warn, as JSON lines) or a
  // crash goes to our stderr, so that stdout stays the report and its last line the summary.
  child.stdout.removeAllListeners("data");
  child.stderr.removeAllListeners("data");
  const forward = (chunk: Buffer) => {
    for (const line of chunk.toString().split("\n")) if (line.trim() && !line.startsWith("Press Ctrl-C")) process.stderr.write(`[gateway] ${line}\n`);
  };
  child.stdout.on("data", forward);
  child.stderr.on("data", forward);
  return {
    url,
    profileFile,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}
