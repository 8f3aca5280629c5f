/**
 * How a policy clause is cited wherever a person reads it: the document number, a space and the
 * clause, e.g. "聊政办发〔2022〕5号 三(四)1".
 */
import type { Citation } from "./types";

/** The citation text; null when the document or the clause is missing. */
export function clauseText(document: string | null | undefined, clause: string | null | undefined): string | null {
  return document && clause ? `${document} ${clause}` : null;
}

/** The text of an engine line's citation; null for a line without one. */
export function citationText(citation: Citation | null | undefined): string | null {
  return citation ? clauseText(citation.document, citation.clause) : null;
}
