/**
 * Where webhooks may go. A partner's URL must not make the gateway reach inside its own network
 * (the database, cloud metadata, the gateway itself), so only http(s) URLs without credentials
 * whose every address is public are accepted — checked when subscribing and again after DNS at
 * each delivery, which then connects to the very address it checked (no second lookup to rebind).
 * On-premise receivers and tests name their internal targets in an explicit allow-list.
 */
import { BlockList, isIP } from "node:net";
import { lookup } from "node:dns/promises";
import { DomainError } from "../lib/errors";

/** The size of webhook_subscriptions.url. */
export const MAX_WEBHOOK_URL_LENGTH = 500;

/** IPv4 ranges that are not the public internet: this network, private, CGNAT, loopback, link-local, documentation, benchmarking, multicast, reserved. */
const INTERNAL_IPV4: Array<[string, number]> = [
  ["0.0.0.0", 8], ["10.0.0.0", 8], ["100.64.0.0", 10], ["127.0.0.0", 8], ["169.254.0.0", 16], ["172.16.0.0", 12], ["192.0.0.0", 24], ["192.0.2.0", 24],
  ["192.88.99.0", 24], ["192.168.0.0", 16], ["198.18.0.0", 15], ["198.51.100.0", 24], ["203.0.113.0", 24], ["224.0.0.0", 4], ["240.0.0.0", 4],
];
/** IPv6 is public only within global unicast (2000::/3), minus ranges that are documentation or tunnel IPv4 (Teredo, 6to4) inside. */
const NOT_PUBLIC_IPV6: Array<[string, number]> = [["2001::", 23], ["2001:db8::", 32], ["2002::", 16], ["3fff::", 20]];

const internalIpv4 = new BlockList();
for (const [network, prefix] of INTERNAL_IPV4) internalIpv4.addSubnet(network, prefix, "ipv4");
const globalIpv6 = new BlockList();
globalIpv6.addSubnet("2000::", 3, "ipv6");
const notPublicIpv6 = new BlockList();
for (const [network, prefix] of NOT_PUBLIC_IPV6) notPublicIpv6.addSubnet(network, prefix, "ipv6");

/** True for an address on the public internet (IPv4-mapped IPv6 and other embeddings are not). */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return !internalIpv4.check(address, "ipv4");
  if (family === 6) return globalIpv6.check(address, "ipv6") && !notPublicIpv6.check(address, "ipv6");
  return false;
}

/** One entry of WEBHOOK_ALLOWED_TARGETS: an address or network, or a host name, with or without a port. */
export type AllowedTarget = { kind: "network"; network: BlockList; port: number | null } | { kind: "host"; host: string; port: number | null };

/** Reads `ADDRESS[/PREFIX][:PORT]`, `[IPV6[/PREFIX]]:PORT`, a bare IPv6 network, or `HOST[:PORT]`; a string is the problem. */
export function parseAllowedTarget(entry: string): AllowedTarget | string {
  const problem = `"${entry}" is not ADDRESS[/PREFIX][:PORT] or HOST[:PORT]`;
  const [target, portText] = splitPort(entry.trim());
  const port = portText === undefined ? null : Number(portText);
  if (port !== null && !(Number.isInteger(port) && port >= 1 && port <= 65535)) return problem;
  const [address, prefixText] = target.split("/");
  const family = isIP(address);
  if (family === 0) return prefixText === undefined && /^[a-z0-9.-]+$/i.test(address) ? { kind: "host", host: address.toLowerCase(), port } : problem;
  const bits = family === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? bits : Number(prefixText);
  if ((prefixText !== undefined && !/^\d+$/.test(prefixText)) || prefix > bits) return problem;
  const network = new BlockList();
  network.addSubnet(address, prefix, family === 4 ? "ipv4" : "ipv6");
  return { kind: "network", network, port };
}

/** `[v6]:port`, `v4-or-host:port`, or a bare IPv6 address (several colons, no port). */
function splitPort(entry: string): [string, string | undefined] {
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(entry);
  if (bracketed) return [bracketed[1], bracketed[2]];
  const colons = entry.split(":").length - 1;
  if (colons !== 1) return [entry, undefined];
  const at = entry.lastIndexOf(":");
  return [entry.slice(0, at), entry.slice(at + 1)];
}

/** Reads a comma-separated allow-list; returns the entries, or the problems. */
export function parseAllowedTargets(list: string): { targets: AllowedTarget[]; problems: string[] } {
  const parsed = list.split(",").filter((entry) => entry.trim() !== "").map(parseAllowedTarget);
  return { targets: parsed.filter((p): p is AllowedTarget => typeof p !== "string"), problems: parsed.filter((p): p is string => typeof p === "string") };
}

/** A delivery's destination: the URL, and the checked address to connect to. */
export interface ResolvedTarget {
  url: URL;
  address: string;
  port: number;
}

/** A target that is not allowed; `retryable` when only its name did not resolve (DNS may be back later). */
export class TargetRefusedError extends Error {
  constructor(
    message: string,
    readonly retryable = false,
  ) {
    super(message);
  }
}

export class WebhookTargets {
  constructor(private readonly allowed: readonly AllowedTarget[] = []) {}

  /** Checks a URL as a subscription gives it: form, length, and every address it resolves to. */
  async checkSubscription(url: string): Promise<URL> {
    if (url.length > MAX_WEBHOOK_URL_LENGTH) throw invalidUrl(`最长 ${MAX_WEBHOOK_URL_LENGTH} 个字符 / at most ${MAX_WEBHOOK_URL_LENGTH} characters`);
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw invalidUrl("不是有效的网址 / not a URL");
    }
    if (parsed.href.length > MAX_WEBHOOK_URL_LENGTH) throw invalidUrl(`最长 ${MAX_WEBHOOK_URL_LENGTH} 个字符 / at most ${MAX_WEBHOOK_URL_LENGTH} characters`);
    const malformed = formProblem(parsed);
    if (malformed) throw invalidUrl(malformed);
    try {
      await this.resolve(parsed);
    } catch (error) {
      if (error instanceof TargetRefusedError) throw new DomainError("WEBHOOK_TARGET_REFUSED", "url", `url: ${error.message}`);
      throw error;
    }
    return parsed;
  }

  /** The address to deliver to: every address of the host must be allowed; throws TargetRefusedError. */
  async resolve(url: URL): Promise<ResolvedTarget> {
    const malformed = formProblem(url);
    if (malformed) throw new TargetRefusedError(malformed);
    const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
    const port = url.port ? Number(url.port) : url.protocol === "https:" ? 443 : 80;
    const addresses = isIP(host) ? [host] : await resolveHost(host);
    const refused = addresses.find((address) => !this.allows(host, address, port));
    if (refused !== undefined || addresses.length === 0) throw new TargetRefusedError("目标地址不是公网地址 / the target is not a public internet address");
    return { url, address: addresses[0], port };
  }

  private allows(host: string, address: string, port: number): boolean {
    if (isPublicAddress(address)) return true;
    return this.allowed.some((entry) => (entry.port === null || entry.port === port) && (entry.kind === "host" ? entry.host === host.toLowerCase() : entry.network.check(address, isIP(address) === 4 ? "ipv4" : "ipv6")));
  }
}

async function resolveHost(host: string): Promise<string[]> {
  try {
    return (await lookup(host, { all: true, verbatim: true })).map((entry) => entry.address);
  } catch {
    throw new TargetRefusedError("无法解析主机名 / the host name does not resolve", true);
  }
}

/** A URL a webhook cannot have, whatever its address: another scheme, or credentials (they would be logged and shown). */
function formProblem(url: URL): string | null {
  if (url.protocol !== "http:" && url.protocol !== "https:") return "只接受 http 或 https / only http and https";
  if (url.username || url.password) return "网址不得包含用户名或密码 / no user name or password in the URL";
  return null;
}

function invalidUrl(reason: string): DomainError {
  return new DomainError("INVALID_INPUT", "url", `url: ${reason}`);
}
