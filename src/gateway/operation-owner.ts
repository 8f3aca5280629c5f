/**
 * Which subgraph alone can answer an operation, read from the supergraph's join directives. When
 * every field the operation selects (fragments expanded) resolves in one subgraph, that subgraph
 * answers the whole operation without any entity join, and the gateway can forward it as it is
 * instead of planning it field by field (gateway-executor.ts). Anything this cannot prove —
 * another owner's field, a field needing `@requires` or marked `external`, an abstract type,
 * `__typename`, introspection, a subscription — has no single owner and takes the planned path.
 */
import {
  Kind,
  buildASTSchema,
  getNamedType,
  isObjectType,
  parse,
  type ConstDirectiveNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLObjectType,
  type GraphQLSchema,
  type InlineFragmentNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";

/** The subgraph that can answer an operation alone, with the document to send it; null: none can. */
export type OwnerOf = (document: DocumentNode, operationName: string | null | undefined) => OperationOwner | null;

export interface OperationOwner {
  /** The subgraph's name as composed (`settlements`). */
  subgraph: string;
  /** The operation and the fragments it uses, nothing else: other operations of the document may name fields the owner lacks. */
  document: DocumentNode;
}

type Graphs = ReadonlySet<string>;

const argumentOf = (directive: ConstDirectiveNode, name: string) => directive.arguments?.find((argument) => argument.name.value === name)?.value;

/** The graphs (enum value → subgraph name) the supergraph composes. */
function graphNames(schema: GraphQLSchema): Map<string, string> {
  const names = new Map<string, string>();
  const graphs = schema.getType("join__Graph");
  for (const value of graphs?.astNode?.kind === Kind.ENUM_TYPE_DEFINITION ? (graphs.astNode.values ?? []) : []) {
    const name = value.directives?.find((directive) => directive.name.value === "join__graph");
    const named = name && argumentOf(name, "name");
    if (named?.kind === Kind.STRING) names.set(value.name.value, named.value);
  }
  return names;
}

function graphOf(directive: ConstDirectiveNode, names: ReadonlyMap<string, string>): string | null {
  const graph = argumentOf(directive, "graph");
  return graph?.kind === Kind.ENUM ? (names.get(graph.value) ?? null) : null;
}

/** A field's resolving graphs: where it is declared and neither external, overridden nor in need of other owners' fields. */
function fieldGraphs(type: GraphQLObjectType, fieldName: string, names: ReadonlyMap<string, string>): Graphs {
  const joins = type.getFields()[fieldName]?.astNode?.directives?.filter((directive) => directive.name.value === "join__field") ?? [];
  if (joins.length === 0) {
    const typeJoins = type.astNode?.directives?.filter((directive) => directive.name.value === "join__type") ?? [];
    return new Set(typeJoins.map((directive) => graphOf(directive, names)).filter((graph): graph is string => graph !== null));
  }
  const graphs = new Set<string>();
  for (const join of joins) {
    const excluded = ["external", "usedOverridden"].some((flag) => argumentOf(join, flag)?.kind === Kind.BOOLEAN && (argumentOf(join, flag) as { value: boolean }).value) || argumentOf(join, "requires") !== undefined;
    const graph = graphOf(join, names);
    if (!excluded && graph) graphs.add(graph);
  }
  return graphs;
}

/** The graphs in both: null stands for "no limit yet". */
const intersect = (common: Set<string> | null, graphs: Graphs): Set<string> => new Set([...graphs].filter((graph) => common === null || common.has(graph)));

/** Every graph that resolves every field of the selection, or null when some part cannot be proved (see the file's note). */
function selectionGraphs(type: GraphQLObjectType, selectionSet: SelectionSetNode, fragments: ReadonlyMap<string, FragmentDefinitionNode>, names: ReadonlyMap<string, string>, open: Set<string>): Set<string> | null {
  let common: Set<string> | null = null;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      const field = type.getFields()[selection.name.value];
      if (!field) return null; // __typename, __schema, __type: answered by the gateway's own schema
      common = intersect(common, fieldGraphs(type, field.name, names));
      const returned = getNamedType(field.type);
      if (selection.selectionSet) {
        if (!isObjectType(returned)) return null; // an interface or union: which owner depends on the runtime type
        const below = selectionGraphs(returned, selection.selectionSet, fragments, names, open);
        if (below === null) return null;
        common = intersect(common, below);
      }
    } else {
      const name = selection.kind === Kind.FRAGMENT_SPREAD ? selection.name.value : null;
      const fragment: InlineFragmentNode | FragmentDefinitionNode | undefined = selection.kind === Kind.INLINE_FRAGMENT ? selection : fragments.get(selection.name.value);
      // A fragment that spreads itself is invalid: the planned path refuses it.
      if (!fragment || (name !== null && open.has(name))) return null;
      if (fragment.typeCondition && fragment.typeCondition.name.value !== type.name) return null;
      if (name !== null) open.add(name);
      const inside = selectionGraphs(type, fragment.selectionSet, fragments, names, open);
      if (name !== null) open.delete(name);
      if (inside === null) return null;
      common = intersect(common, inside);
    }
    if (common.size === 0) return null;
  }
  return common;
}

/** The fragments an operation uses, directly or through other fragments. */
function fragmentsUsed(selectionSet: SelectionSetNode, fragments: ReadonlyMap<string, FragmentDefinitionNode>, used = new Map<string, FragmentDefinitionNode>()): Map<string, FragmentDefinitionNode> {
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FRAGMENT_SPREAD) {
      const fragment = fragments.get(selection.name.value);
      if (!fragment || used.has(fragment.name.value)) continue;
      used.set(fragment.name.value, fragment);
      fragmentsUsed(fragment.selectionSet, fragments, used);
    } else if (selection.selectionSet) {
      fragmentsUsed(selection.selectionSet, fragments, used);
    }
  }
  return used;
}

function chosenOperation(document: DocumentNode, operationName: string | null | undefined): OperationDefinitionNode | null {
  const operations = document.definitions.filter((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION);
  if (!operationName) return operations.length === 1 ? operations[0]! : null;
  return operations.find((operation) => operation.name?.value === operationName) ?? null;
}

/** The owner of one operation of a document, or null (see the file's note). */
function ownerOfOperation(schema: GraphQLSchema, names: ReadonlyMap<string, string>, document: DocumentNode, operationName: string | null | undefined): OperationOwner | null {
  const operation = chosenOperation(document, operationName);
  const root = operation && operation.operation !== "subscription" ? schema.getRootType(operation.operation) : undefined;
  if (!operation || !root) return null;
  const fragments = new Map(document.definitions.filter((definition): definition is FragmentDefinitionNode => definition.kind === Kind.FRAGMENT_DEFINITION).map((fragment) => [fragment.name.value, fragment]));
  const graphs = selectionGraphs(root, operation.selectionSet, fragments, names, new Set());
  // Ties cannot happen for a root field (one owner each), but choose steadily if they ever do.
  const subgraph = graphs && graphs.size > 0 ? [...graphs].sort()[0]! : null;
  if (subgraph === null) return null;
  const used = [...fragmentsUsed(operation.selectionSet, fragments).values()];
  const alone: DocumentNode = document.definitions.length === used.length + 1 ? document : { kind: Kind.DOCUMENT, definitions: [operation, ...used] };
  return { subgraph, document: alone };
}

/**
 * The owner finder of a supergraph. Its answers are kept per parsed document (Apollo keeps one
 * document object per query text), so a repeated operation is looked at once.
 */
export function operationOwners(supergraphSdl: string): OwnerOf {
  const schema = buildASTSchema(parse(supergraphSdl), { assumeValidSDL: true });
  const names = graphNames(schema);
  const known = new WeakMap<DocumentNode, Map<string, OperationOwner | null>>();
  return (document, operationName) => {
    let answers = known.get(document);
    if (!answers) known.set(document, (answers = new Map()));
    const key = operationName ?? "";
    if (!answers.has(key)) answers.set(key, ownerOfOperation(schema, names, document, operationName));
    return answers.get(key)!;
  };
}
