/**
 * The charity allocations port answered by a charity process of its own: `GET
 * {CHARITY_ALLOCATIONS_URL}/{household}/{year}`, signed as the settlements system principal with
 * the subgraph secret, within a timeout. A charity that does not answer (down, too slow, refusing,
 * or saying something else) is CHARITY_UNAVAILABLE — never 0: assuming nothing was allocated would
 * let a re-settlement take back money the charity has paid out, unconfirmed.
 */
import { Principal } from "../access/principal";
import { PRINCIPAL_HEADER, signPrincipal } from "../access/principal-token";
import { DomainError } from "../lib/errors";
import { Money } from "../lib/money";
import { partnerId } from "../access/tenant-ids";
import { charityAllocationsPath, type CharityAllocations, type CharityAllocationsAnswer } from "./charity-allocations";

/** How long settlements waits for the charity's answer by default: the change waits on it, under the household's lock. */
export const DEFAULT_CHARITY_TIMEOUT_MILLIS = 3000;

const MONEY = /^\d{1,16}\.\d{2}$/;

export function remoteCharityAllocations(baseUrl: string, secret: string, sender: string, timeoutMillis = DEFAULT_CHARITY_TIMEOUT_MILLIS): CharityAllocations {
  const principal = Principal.system(sender);
  const base = baseUrl.replace(/\/+$/, "");
  return {
    async allocatedTo(beneficiaryId: string, year: number): Promise<Money> {
      let answer: Partial<CharityAllocationsAnswer>;
      try {
        const response = await fetch(`${base}${charityAllocationsPath(beneficiaryId, year)}`, {
          headers: { accept: "application/json", [PRINCIPAL_HEADER]: signPrincipal(principal, secret) },
          signal: AbortSignal.timeout(timeoutMillis),
        });
        if (!response.ok) {
          await response.body?.cancel();
          throw new Error(`HTTP ${response.status}`);
        }
        answer = (await response.json()) as Partial<CharityAllocationsAnswer>;
      } catch (error) {
        throw unavailable(beneficiaryId, year, String((error as Error)?.message ?? error));
      }
      if (answer.beneficiaryId !== beneficiaryId || answer.year !== year || typeof answer.allocated !== "string" || !MONEY.test(answer.allocated)) {
        throw unavailable(beneficiaryId, year, "an answer of another shape");
      }
      return new Money(answer.allocated);
    },
  };
}

function unavailable(stored: string, year: number, why: string): DomainError {
  const beneficiaryId = partnerId(stored);
  return new DomainError(
    "CHARITY_UNAVAILABLE",
    "input",
    `input: 慈善方暂时无法答复 ${beneficiaryId} ${year} 年已分配的救助金，本次变更未执行，请稍后重试 / the charity could not say what it allocated to ${beneficiaryId} in ${year} (${why}); nothing was changed, try again later`,
  );
}
