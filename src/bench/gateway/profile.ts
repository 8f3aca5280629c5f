/**
 * Reading the gateway's CPU profile (`node --cpu-prof`): self time per function and per package,
 * counted only inside a phase's window, so that start-up (migrations, pack loading) is left out.
 */
import * as fs from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface SelfTime {
  label: string;
  ms: number;
  /** Share of the window's sampled time, idle included. */
  share: number;
}

export interface ProfileSummary {
  windowMs: number;
  /** Share of the window the gateway's thread was not idle. */
  busy: number;
  functions: SelfTime[];
  areas: SelfTime[];
}

/** Where code comes from: a package, a folder of the project, Node's internals or V8's pseudo-frames. */
function areaOf(url: string, functionName: string): string {
  if (!url) return functionName || "(native)";
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  const own = /\/dist\/src\/([^/]+)\//.exec(url);
  if (own) return `src/${own[1]}`;
  if (url.startsWith("node:")) return "node (internals)";
  return url;
}

function shortUrl(url: string): string {
  return url.replace(/^.*node_modules\//, "").replace(/^.*\/dist\//, "").replace(/^file:\/\//, "");
}

function top(totals: Map<string, number>, windowMs: number, count: number): SelfTime[] {
  return [...totals.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([label, ms]) => ({ label, ms, share: ms / windowMs }));
}

/**
 * Self time in `file` between `start` and `end` (µs on the monotonic clock, which V8 profiles and
 * process.hrtime share): each sample counts for the time until the next one.
 */
export function summariseProfile(file: string, window: { start: number; end: number }, count = 15): ProfileSummary {
  const profile = JSON.parse(fs.readFileSync(file, "utf8")) as CpuProfile;
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const byFunction = new Map<string, number>();
  const byArea = new Map<string, number>();
  let time = profile.startTime;
  let idle = 0;
  let sampled = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    time += profile.timeDeltas[i];
    if (time < window.start || time > window.end) continue;
    const ms = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    const { functionName, url, lineNumber } = nodes.get(profile.samples[i])!.callFrame;
    sampled += ms;
    if (functionName === "(idle)") idle += ms;
    const label = url ? `${functionName || "(anonymous)"} ${shortUrl(url)}:${lineNumber + 1}` : functionName;
    byFunction.set(label, (byFunction.get(label) ?? 0) + ms);
    const area = areaOf(url, functionName);
    byArea.set(area, (byArea.get(area) ?? 0) + ms);
  }
  const windowMs = Math.max(sampled, 1e-9);
  return { windowMs, busy: 1 - idle / windowMs, functions: top(byFunction, windowMs, count), areas: top(byArea, windowMs, count) };
}

/** The summary as report lines. */
export function formatProfile(name: string, summary: ProfileSummary): string[] {
  const row = (entry: SelfTime) => `    ${(entry.share * 100).toFixed(1).padStart(5)}%  ${Math.round(entry.ms).toString().padStart(6)} ms  ${entry.label}`;
  return [
    `  profile of the gateway during ${name}: ${Math.round(summary.windowMs)} ms sampled, busy ${(summary.busy * 100).toFixed(0)}%`,
    "   self time by package or project folder:",
    ...summary.areas.map(row),
    "   self time by function:",
    ...summary.functions.map(row),
  ];
}
