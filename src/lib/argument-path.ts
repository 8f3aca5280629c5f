/**
 * Where in the arguments a GraphQL error is: the path `input.fees.total` whether the value was
 * written inline in the document or sent as a variable (`$c` used as `input`), so that a refusal
 * names the same field however the client sent the value — and as our own refusals do.
 */
import { Kind, parse, visit, type ASTNode, type DocumentNode, type GraphQLError, type Source, type ValueNode } from "graphql";

/** Each value in the document's arguments with its path, e.g. [`{…}`, "input"], [`"+5.00"`, "input.fees.total"]. */
function argumentValues(document: DocumentNode): Array<[ValueNode, string]> {
  const found: Array<[ValueNode, string]> = [];
  const walk = (value: ValueNode, path: string) => {
    found.push([value, path]);
    if (value.kind === Kind.OBJECT) for (const field of value.fields) walk(field.value, `${path}.${field.name.value}`);
    if (value.kind === Kind.LIST) value.values.forEach((item, index) => walk(item, `${path}[${index}]`));
  };
  visit(document, { Argument: (argument) => walk(argument.value, argument.name.value) });
  return found;
}

/** Documents parsed again from their source, once each: errors carry the source, not the tree. */
const documents = new WeakMap<Source, DocumentNode>();

function documentOf(source: Source): DocumentNode {
  let document = documents.get(source);
  if (!document) {
    document = parse(source);
    documents.set(source, document);
  }
  return document;
}

/** The argument path of the value an error points at, or of the variable it names; null when it is about neither. */
export function argumentPathOf(error: GraphQLError, graphqlField: string): string | null {
  const node: ASTNode | undefined = error.nodes?.[0];
  const source = node?.loc?.source;
  if (!node || !source) return null;
  if (node.kind === Kind.VARIABLE_DEFINITION) return variablePath(documentOf(source), node.variable.name.value, graphqlField);
  const start = node.loc!.start;
  const value = argumentValues(documentOf(source)).find(([candidate]) => candidate.loc?.start === start && candidate.kind === node.kind);
  return value ? value[1] : null;
}

/** A variable's path (`c.fees.total`) as the path of the argument where the variable is used. */
function variablePath(document: DocumentNode, name: string, graphqlField: string): string | null {
  const usage = argumentValues(document).find(([value]) => value.kind === Kind.VARIABLE && value.name.value === name);
  if (!usage) return null;
  return graphqlField === name || graphqlField.startsWith(`${name}.`) || graphqlField.startsWith(`${name}[`) ? usage[1] + graphqlField.slice(name.length) : usage[1];
}
