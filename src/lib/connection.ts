/**
 * Relay-style paged lists: one GraphQL shape (`edges { cursor node } pageInfo`) and one way of
 * cutting a page, shared by every list of the gateway.
 */
import { Directive, Field, ObjectType } from "type-graphql";
import { DomainError } from "./errors";
import { encodeCursor } from "./graphql";

/** Every subgraph pages its lists the same way: the one PageInfo is shared by all of them. */
@Directive("@shareable")
@ObjectType()
export class PageInfo {
  @Field()
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

export interface Page<T> {
  edges: Array<{ cursor: string; node: T }>;
  pageInfo: PageInfo;
}

type Constructor<T> = new (...args: never[]) => T;

/** The `<Name>Edge` and `<Name>Connection` GraphQL types of a node type. */
export function connectionOf<T>(Node: Constructor<T>, name: string): Constructor<Page<T>> {
  @ObjectType(`${name}Edge`)
  class Edge {
    @Field()
    cursor!: string;

    @Field(() => Node)
    node!: T;
  }

  @ObjectType(`${name}Connection`)
  class Connection {
    @Field(() => [Edge])
    edges!: Edge[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;
  }
  return Connection as unknown as Constructor<Page<T>>;
}

/** Checks a page size asked for (1 to `max`). */
export function pageSize(first: number, max = 100): number {
  if (!Number.isInteger(first) || first < 1 || first > max) throw new DomainError("INVALID_INPUT", "first", `first: 1–${max}`);
  return first;
}

/**
 * A page from rows read with one extra row (which only tells that there is a next page); the
 * cursor of a row is the base64 of its sort key.
 */
export function pageOf<T>(rows: readonly T[], limit: number, keyOf: (row: T) => string): Page<T> {
  const page = rows.slice(0, limit);
  const cursorOf = (row: T) => encodeCursor(keyOf(row));
  return {
    edges: page.map((node) => ({ cursor: cursorOf(node), node })),
    pageInfo: { hasNextPage: rows.length > limit, endCursor: page.length ? cursorOf(page[page.length - 1]) : null },
  };
}
