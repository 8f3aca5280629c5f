/**
 * The event settlements write to the outbox, in the settlement's transaction, whenever a settlement
 * is stored (first, superseding, partial, completed, re-settled): the contract between settlements,
 * which writes it, and the charity, which keeps its own record of settled claims from it and never
 * reads settlements' tables. It carries everything the charity shows or decides with, money as
 * strings, and the household as the registry described it at that moment (event-carried state).
 */
export const SETTLEMENT_RECORDED = "settlement.recorded";

export interface SettlementRecordedLine {
  tier: string;
  amount: string;
  ruleId: string | null;
  /** The rule's words in its pack version (what the 化解清单 prints). */
  ruleName: string | null;
  /** The clause as printed: document and clause. */
  clause: string | null;
  reason: string | null;
  source: string;
  figures: Record<string, string>;
  category: string | null;
  provisional: boolean;
}

export interface SettlementRecorded {
  /** The stored household key (jurisdiction:id). */
  beneficiaryId: string;
  jurisdiction: string;
  year: number;
  /** The stored claim key. */
  claimId: string;
  settlementId: string;
  /** The settlement this one replaces, null for a claim's first. */
  supersedesId: string | null;
  /** PARTIAL while a tier is pending (staged settlement); a charity entitlement counts COMPLETE ones. */
  status: "COMPLETE" | "PARTIAL";
  date: string;
  kind: string;
  total: string;
  policyScope: string;
  selfPay: string;
  packId: string;
  packVersion: number;
  category: string | null;
  lines: SettlementRecordedLine[];
  household: {
    name: string;
    nationalId: string | null;
    township: string | null;
    /** The categories held on any day of the year (the 化解清单's 身份). */
    categoriesInYear: string[];
    /** The categories held on the year's last day (what chooses the fund order). */
    categoriesAtYearEnd: string[];
  };
}
