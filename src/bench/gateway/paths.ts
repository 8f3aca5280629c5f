/**
 * Where the compiled scripts are, for starting them as processes.
 */
import { projectPath } from "../../lib/project";

export function distFile(...parts: string[]): string {
  return projectPath("dist", "src", ...parts);
}
