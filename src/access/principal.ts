/**
 * Who is calling: the API key's id, role and jurisdictions. Every service decision about access
 * goes through these methods, so that the rules are in one place.
 */
import { DomainError, forbidden } from "../lib/errors";
import type { Role } from "./access.entity";

/** The roles that record beneficiaries and claims and settle them. */
export const RECORD_KEEPERS: readonly Role[] = ["PARTNER", "ADMIN"];

export class Principal {
  constructor(
    readonly keyId: string,
    readonly role: Role,
    /** The jurisdictions (pack ids) of a PARTNER key; empty for CHARITY and ADMIN (all). */
    readonly jurisdictions: readonly string[],
  ) {}

  /** The command-line tools and start-up jobs act as this principal. */
  static system(name = "system"): Principal {
    return new Principal(name, "ADMIN", []);
  }

  /** True when the caller may see data of a jurisdiction. */
  canSee(jurisdiction: string): boolean {
    return this.role !== "PARTNER" || this.jurisdictions.includes(jurisdiction);
  }

  /** Refuses unless the caller may see the jurisdiction. */
  requireJurisdiction(jurisdiction: string, field = "jurisdiction"): void {
    if (!this.canSee(jurisdiction)) {
      throw forbidden(`此密钥无权访问 ${jurisdiction} / this key may not access jurisdiction ${jurisdiction}`, field);
    }
  }

  /** Refuses unless the caller has one of the roles. */
  requireRole(...roles: Role[]): void {
    if (!roles.includes(this.role)) {
      throw forbidden(`此操作需要 ${roles.join(" 或 ")} 角色 / this needs a ${roles.join(" or ")} key (yours is ${this.role})`, "Authorization");
    }
  }

  /** A national ID number as this caller may see it: in full for administrators only, masked otherwise. */
  nationalIdAsSeen(value: string | null): string | null {
    return this.role === "ADMIN" ? value : maskNationalId(value);
  }

  /** The jurisdictions a list may show: null for all. */
  get visibleJurisdictions(): readonly string[] | null {
    return this.role === "PARTNER" ? this.jurisdictions : null;
  }

  /** The jurisdictions a list asked for `jurisdiction` (or for all when none) may show: null for all, [] for none. */
  listedJurisdictions(jurisdiction?: string | null): readonly string[] | null {
    if (!jurisdiction) return this.visibleJurisdictions;
    return this.canSee(jurisdiction) ? [jurisdiction] : [];
  }
}

/** The error for a request without a valid key; `reason` says why a genuine key no longer works. */
export function unauthenticated(reason?: string): DomainError {
  const required = "需要有效的 API 密钥 / a valid API key is required: Authorization: Bearer <key>";
  return new DomainError("UNAUTHENTICATED", "Authorization", reason ? `${reason}; ${required}` : required);
}

/** Masks a national ID number for callers who may not see it: keeps the first 3 and last 2 characters. */
function maskNationalId(value: string | null): string | null {
  if (value === null) return null;
  if (value.length <= 5) return "*".repeat(value.length);
  return `${value.slice(0, 3)}${"*".repeat(value.length - 5)}${value.slice(-2)}`;
}
