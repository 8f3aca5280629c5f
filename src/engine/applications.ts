/**
 * Programmes granted on application (宜春 倾斜救助, 第十条4 and 第十二条 "依申请"): which of them a
 * beneficiary has for a natural year. The one place every settling path, the year's description and
 * the benchmark's rule facts ask.
 */
import { yearOf } from "../lib/dates";
import type { Application, Beneficiary } from "./types";
import type { Program } from "./vocabulary";

/**
 * Project decision (the scenario format and API before approvals were recorded): an application
 * given without a decision was approved on its application date. Old scenario files and partners
 * that never send a decision keep settling as before.
 */
export function assumedApproval(date: string): Pick<Application, "status" | "decidedOn"> {
  return { status: "APPROVED", decidedOn: date };
}

/**
 * The programmes among `programs` granted for `year`: approved applications dated in that year.
 * The approval date does not narrow the costs that count: 第十条4 counts the year's costs, and a new
 * recipient's from 3 months before certification (the pack's lookback), which lie before any
 * application and so before its approval. Until the approval is recorded the programme is not
 * granted; recording it settles the application's year again (beneficiary service).
 */
export function programsGranted(beneficiary: Beneficiary, year: number, programs: readonly Program[]): Program[] {
  const granted: Program[] = [];
  for (const application of beneficiary.applications) {
    if (application.status === "APPROVED" && yearOf(application.date) === year && programs.includes(application.program) && !granted.includes(application.program)) {
      granted.push(application.program);
    }
  }
  return granted;
}

/** The first day an application's decision can change: 1 January of the application's year. */
export function applicationReach(application: Pick<Application, "date">): string {
  return `${application.date.slice(0, 4)}-01-01`;
}
