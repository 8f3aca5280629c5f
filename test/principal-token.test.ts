import { Principal } from "../src/access/principal";
import { PRINCIPAL_TOKEN_SECONDS, signPrincipal, verifyPrincipal } from "../src/access/principal-token";
import { DomainError } from "../src/lib/errors";

const SECRET = "a-shared-secret-of-at-least-32-characters";
const NOW = Date.UTC(2026, 11, 1, 9, 0, 0);

function refusal(work: () => unknown): DomainError {
  try {
    work();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error("expected a refusal");
}

describe("principal token between the gateway and a subgraph", () => {
  const partner = new Principal("pk_abc", "PARTNER", ["yueqing", "liaocheng"]);

  it("carries the key id, role and jurisdictions", () => {
    const seen = verifyPrincipal(signPrincipal(partner, SECRET, NOW), SECRET, NOW + 1000);
    expect(seen).toBeInstanceOf(Principal);
    expect([seen.keyId, seen.role, [...seen.jurisdictions]]).toEqual(["pk_abc", "PARTNER", ["yueqing", "liaocheng"]]);
    expect(seen.canSee("yueqing")).toBe(true);
    expect(seen.canSee("weihai")).toBe(false);
  });

  it("refuses a missing token", () => {
    expect(refusal(() => verifyPrincipal(undefined, SECRET, NOW)).code).toBe("UNAUTHENTICATED");
    expect(refusal(() => verifyPrincipal("", SECRET, NOW)).field).toBe("x-medassist-principal");
  });

  it("refuses a token signed with another secret", () => {
    const forged = signPrincipal(partner, "another-secret-that-is-long-enough-too", NOW);
    expect(refusal(() => verifyPrincipal(forged, SECRET, NOW)).code).toBe("UNAUTHENTICATED");
  });

  it("refuses a token whose payload was altered (a PARTNER made ADMIN)", () => {
    const [body, mac] = signPrincipal(partner, SECRET, NOW).split(".");
    const payload = JSON.parse(Buffer.from(body!, "base64url").toString("utf8"));
    const altered = Buffer.from(JSON.stringify({ ...payload, r: "ADMIN", j: [] })).toString("base64url");
    expect(refusal(() => verifyPrincipal(`${altered}.${mac}`, SECRET, NOW)).code).toBe("UNAUTHENTICATED");
    expect(refusal(() => verifyPrincipal(`${body}.${mac}.x`, SECRET, NOW)).code).toBe("UNAUTHENTICATED");
    expect(refusal(() => verifyPrincipal("not-a-token", SECRET, NOW)).code).toBe("UNAUTHENTICATED");
  });

  it("refuses an expired token and accepts it until it expires", () => {
    const token = signPrincipal(partner, SECRET, NOW);
    expect(verifyPrincipal(token, SECRET, NOW + PRINCIPAL_TOKEN_SECONDS * 1000).keyId).toBe("pk_abc");
    expect(refusal(() => verifyPrincipal(token, SECRET, NOW + (PRINCIPAL_TOKEN_SECONDS + 1) * 1000)).message).toMatch(/expired/);
  });

  it("will not sign or verify with a short secret", () => {
    expect(() => signPrincipal(partner, "short", NOW)).toThrow(/at least 32/);
    expect(() => verifyPrincipal("a.b", "short", NOW)).toThrow(/at least 32/);
  });
});
