/**
 * Running the project's own commands as a user would, for end-to-end tests: `node dist/...` after
 * the build that `npm test` runs first.
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as path from "node:path";
import { projectPath } from "../../src/lib/project";

export function distScript(name: string): string {
  return projectPath("dist", "src", "cli", `${name}.js`);
}

/** Runs a command to its end (killed after `timeoutMs`, so that a failing test leaves none behind); returns its exit code and output. */
export function runToEnd(script: string, args: string[], env: Record<string, string>, timeoutMs = 45_000): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { env: { ...process.env, ...env }, cwd: projectPath() });
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("close", () => clearTimeout(timer));
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** Starts a long-running command and waits until its output matches `ready`. */
export function startUntil(script: string, args: string[], env: Record<string, string>, ready: RegExp, timeoutMs = 60_000, cwd = projectPath()): Promise<{ child: ChildProcess; output: () => string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { env: { ...process.env, ...env }, cwd });
    let output = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${path.basename(script)} did not get ready in ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (ready.test(output)) {
        clearTimeout(timer);
        resolve({ child, output: () => output });
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${path.basename(script)} exited with ${code}:\n${output}`));
    });
  });
}

/** Stops a started command and waits for it to exit. */
export function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.removeAllListeners("exit");
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}
