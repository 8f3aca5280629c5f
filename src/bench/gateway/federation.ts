/**
 * The federation's cost: the same reads and settlements through a gateway spread out over
 * processes (`--gateway` in front of `--subgraph beneficiaries|settlements|charity`) and sent to
 * the settlements subgraph directly with the gateway's signature, in one run, as ratios. Each
 * process has its own copy of the seeded SQLite file, as each owner has its own database.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { randomBytes } from "node:crypto";
import { Principal } from "../../access/principal";
import { PRINCIPAL_HEADER, signPrincipal } from "../../access/principal-token";
import type { GatewayProcess } from "./process";
import { spawnGateway } from "./process";
import { distFile } from "./paths";
import type { PhaseResult, PhaseSettings } from "./load";
import type { Workload } from "./operations";

export interface FederationProcesses {
  gateway: GatewayProcess;
  settlements: GatewayProcess;
  secret: string;
  stop(): Promise<void>;
}

/** A copy of the seeded SQLite file for one process (the seeding closed it, so the copy is whole). */
function copyFor(seededFile: string, name: string): string {
  const copy = path.join(path.dirname(seededFile), `${name}.sqlite`);
  fs.copyFileSync(seededFile, copy);
  return `sqlite:${copy}`;
}

/** Starts the three owners' subgraphs and a gateway composing them, each on its copy of the seeded file. */
export async function spawnFederation(seededFile: string): Promise<FederationProcesses> {
  const secret = randomBytes(24).toString("hex");
  const started: GatewayProcess[] = [];
  const subgraph = async (name: string, env: Record<string, string> = {}) => {
    const process = await spawnGateway(distFile("cli", "start.js"), copyFor(seededFile, name), null, name, { args: ["--subgraph", name], env: { SUBGRAPH_SECRET: secret, ...env }, ready: new RegExp(`Subgraph ${name}: (http://\\S+?)/graphql`) });
    started.push(process);
    return process;
  };
  try {
    const beneficiaries = await subgraph("beneficiaries");
    const charity = await subgraph("charity");
    const settlements = await subgraph("settlements", { BENEFICIARY_SOURCE: `${beneficiaries.url}/graphql`, CHARITY_EVENTS_URL: `${charity.url}/events`, CHARITY_ALLOCATIONS_URL: `${charity.url}/allocations` });
    const urls = { beneficiaries, settlements, charity };
    const gateway = await spawnGateway(distFile("cli", "start.js"), copyFor(seededFile, "gateway"), null, "gateway", {
      args: ["--gateway"],
      env: { SUBGRAPH_SECRET: secret, SUBGRAPHS: Object.entries(urls).map(([name, p]) => `${name}=${p.url}/graphql`).join(",") },
      ready: /Gateway: (http:\/\/\S+?)\/\s/,
    });
    started.push(gateway);
    return { gateway, settlements, secret, stop: async () => void (await Promise.all(started.reverse().map((p) => p.stop()))) };
  } catch (error) {
    await Promise.all(started.map((p) => p.stop()));
    throw error;
  }
}

/** The settings that send a phase to the settlements subgraph directly, signed as the gateway signs. */
export function directSettings(settings: PhaseSettings, federation: FederationProcesses): PhaseSettings {
  // Signed once per phase: a token is good for a minute, longer than a phase.
  const token = signPrincipal(Principal.system("bench"), federation.secret);
  return { ...settings, url: federation.settlements.url, headers: () => ({ [PRINCIPAL_HEADER]: token }) };
}

/** One line: the figure through the gateway, directly, and their ratio. */
export function federationLine(what: string, throughGateway: PhaseResult, direct: PhaseResult): string {
  const ratio = direct.okPerSecond > 0 ? throughGateway.okPerSecond / direct.okPerSecond : 0;
  return `federation ${what}: ${Math.round(throughGateway.okPerSecond)}/s through the gateway, ${Math.round(direct.okPerSecond)}/s on the settlements subgraph directly: ${ratio.toFixed(2)} of direct`;
}

export type { Workload };
