/**
 * Where the compiled scripts are, for starting them as processes.
 */
import { projectPath } from "../../lib/project";

/** A compiled file under dist/src/, found from the project root (so it works from any working directory). */
export function distFile(...parts: string[]): string {
  return projectPath("dist", "src", ...parts);
}
