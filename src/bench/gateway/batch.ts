/**
 * The batch phase: one `settleClaims` request of many bills, timed end to end over HTTP. The
 * mutation is found by asking the running gateway's schema (introspection), so that the benchmark
 * measures it wherever it exists and says "not available" where it does not; its argument that
 * takes a list of bills and the fields of their input type are read from the schema too.
 */
import { monotonicMicros } from "./load";
import { batchBill, post } from "./operations";

interface TypeRef {
  kind: string;
  name: string | null;
  ofType: TypeRef | null;
}

const TYPE_REF = "kind name ofType { kind name ofType { kind name ofType { kind name } } }";
const MUTATION_FIELDS = `{ __schema { mutationType { fields { name args { name type { ${TYPE_REF} } } type { ${TYPE_REF} } } } } }`;
const INPUT_FIELDS = `query ($name: String!) { __type(name: $name) { inputFields { name } } }`;

function named(type: TypeRef): TypeRef {
  let current = type;
  while (current.ofType) current = current.ofType;
  return current;
}

function isList(type: TypeRef): boolean {
  for (let current: TypeRef | null = type; current; current = current.ofType) if (current.kind === "LIST") return true;
  return false;
}

/** How to call the batch mutation: the argument for the bills and its types, or why it cannot be called. */
export type BatchMutation = { available: true; argument: string; argumentType: string; inputFields: Set<string>; selection: string } | { available: false; reason: string };

/** Writes a type reference as GraphQL spells it in a variable definition (`[ClaimInput!]!`). */
function spelled(type: TypeRef): string {
  if (type.kind === "NON_NULL") return `${spelled(type.ofType!)}!`;
  if (type.kind === "LIST") return `[${spelled(type.ofType!)}]`;
  return type.name!;
}

/** What to ask of each result: its `error` where it has one (a refused bill is not throughput), else only `__typename`. */
async function resultSelection(url: string, key: string, result: TypeRef): Promise<string> {
  if (result.kind === "SCALAR" || result.kind === "ENUM") return "";
  const type = await post(url, key, `query ($name: String!) { __type(name: $name) { fields { name type { ${TYPE_REF} } } } }`, { name: result.name });
  const error = ((type.data?.__type?.fields ?? []) as Array<{ name: string; type: TypeRef }>).find((field) => field.name === "error");
  return error && named(error.type).kind === "OBJECT" ? " { error { __typename } }" : " { __typename }";
}

/** The bills of an answer that carry an `error` (none when the results have no such field). */
function refusedIn(data: unknown): number {
  const results = (data as { settleClaims?: unknown } | null)?.settleClaims;
  return Array.isArray(results) ? results.filter((result) => (result as { error?: unknown } | null)?.error).length : 0;
}

/** Looks `settleClaims` up in the gateway's schema. */
export async function findBatchMutation(url: string, key: string): Promise<BatchMutation> {
  const schema = await post(url, key, MUTATION_FIELDS);
  if (schema.errors) return { available: false, reason: `the schema could not be read: ${schema.errors[0].message}` };
  const fields = (schema.data?.__schema?.mutationType?.fields ?? []) as Array<{ name: string; args: Array<{ name: string; type: TypeRef }>; type: TypeRef }>;
  const mutation = fields.find((field) => field.name === "settleClaims");
  if (!mutation) return { available: false, reason: "no settleClaims mutation in this gateway's schema" };
  const bills = mutation.args.find((arg) => isList(arg.type) && named(arg.type).kind === "INPUT_OBJECT");
  if (!bills) return { available: false, reason: "settleClaims takes no list of bills" };
  const input = await post(url, key, INPUT_FIELDS, { name: named(bills.type).name });
  const inputFields = new Set<string>(((input.data?.__type?.inputFields ?? []) as Array<{ name: string }>).map((field) => field.name));
  return { available: true, argument: bills.name, argumentType: spelled(bills.type), inputFields, selection: await resultSelection(url, key, named(mutation.type)) };
}

export interface BatchResult {
  bills: number;
  seconds: number;
  billsPerSecond: number;
}

/** Sends `bills` new bills of the seeded beneficiaries in one request; throws when the answer carries an error. */
export async function runBatch(url: string, key: string, mutation: Extract<BatchMutation, { available: true }>, beneficiaryIds: readonly string[], bills: number): Promise<BatchResult> {
  const run = Date.now().toString(36);
  const claims = Array.from({ length: bills }, (_, i) => {
    const bill = batchBill(`${beneficiaryIds[i % beneficiaryIds.length]}`, `B${run}-${i}`);
    // Only the fields the mutation's input type has: its shape is the other branch's to decide.
    return Object.fromEntries(Object.entries(bill).filter(([field]) => mutation.inputFields.size === 0 || mutation.inputFields.has(field)));
  });
  const document = `mutation ($bills: ${mutation.argumentType}) { settleClaims(${mutation.argument}: $bills)${mutation.selection} }`;
  const started = monotonicMicros();
  const answer = await post(url, key, document, { bills: claims });
  const seconds = (monotonicMicros() - started) / 1e6;
  if (answer.errors) throw new Error(`batch of ${bills} bills failed: ${JSON.stringify(answer.errors).slice(0, 500)}`);
  const refused = refusedIn(answer.data);
  if (refused > 0) throw new Error(`batch of ${bills} bills: ${refused} refused`);
  return { bills, seconds, billsPerSecond: bills / seconds };
}
