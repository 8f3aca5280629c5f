/**
 * The packs a process settles with, by id and version, and the choice of the pack for a claim.
 */
import { DomainError } from "../lib/errors";
import type { CompiledPack } from "./compiled-pack";
import { yearDecisionDate } from "./year-decision";

export class PackRegistry {
  private readonly versionsById = new Map<string, CompiledPack[]>();

  /** Adds a built pack; a newer version of the same id takes precedence where both cover a date. */
  add(pack: CompiledPack): void {
    const versions = this.versionsById.get(pack.id) ?? [];
    if (versions.some((existing) => existing.version === pack.version)) {
      throw new Error(`pack ${pack.id} v${pack.version} is already loaded`);
    }
    versions.push(pack);
    versions.sort((a, b) => b.version - a.version);
    this.versionsById.set(pack.id, versions);
  }

  ids(): string[] {
    return [...this.versionsById.keys()].sort();
  }

  /** All loaded versions of a pack, newest first. */
  versions(id: string): readonly CompiledPack[] {
    return this.versionsById.get(id) ?? [];
  }

  /**
   * The pack that settles a claim of this jurisdiction and date: the newest version in force on the
   * date. Refuses rather than settling under an expired or future pack.
   */
  packFor(id: string, date: string): CompiledPack {
    const versions = this.versionsById.get(id);
    if (!versions) {
      throw new DomainError("UNKNOWN_PACK", "pack", `pack: 未知规则包 / unknown rule pack "${id}" (known: ${this.ids().join(", ")})`);
    }
    const pack = versions.find((candidate) => candidate.covers(date));
    if (!pack) {
      const periods = versions.map((v) => `v${v.version} ${v.document.inForce.appliesFrom}–${v.document.inForce.to ?? "…"}`).join(", ");
      throw new DomainError(
        "NO_PACK_IN_FORCE",
        "claim.date",
        `claim.date: ${date} 无有效的 ${id} 政策 / no version of pack ${id} is in force on ${date} (${periods})`,
      );
    }
    return pack;
  }

  /**
   * The pack that governs a whole natural year (premiums, annual summaries, the charity order): the
   * version in force on the year's last day (`yearDecisionDate`), or else the newest version in force
   * on some day of it — so a text that takes effect mid-year (威海 2022-05-01) governs that year.
   */
  packForYear(id: string, year: number): CompiledPack {
    const versions = this.versionsById.get(id);
    const first = `${year}-01-01`;
    const last = yearDecisionDate(year);
    const pack = versions?.find((v) => v.covers(last)) ?? versions?.find((v) => v.document.inForce.appliesFrom <= last && (v.document.inForce.to === null || v.document.inForce.to >= first));
    return pack ?? this.packFor(id, last);
  }
}
