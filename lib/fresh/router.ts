/** One segment of a route pattern. */
export type Segment =
  | { kind: "static"; value: string }
  | { kind: "param"; name: string }
  | { kind: "rest"; name: string };

/** A successful match: the routed value, its params and pattern. */
export interface Match<T> {
  value: T;
  params: Record<string, string>;
  pattern: string;
}

interface Node<T> {
  statics: Map<string, Node<T>>;
  // Keyed by name: `[id].ts` and `[userId]/posts.ts` are siblings, and each
  // route must see its own parameter name.
  params: Map<string, Node<T>>;
  rest?: { name: string; value: T; pattern: string };
  value?: T;
  pattern?: string;
}

function newNode<T>(): Node<T> {
  return { statics: new Map(), params: new Map() };
}

/** Turns a routes/ file path such as `(app)/c/[id].tsx` into its URL segments. */
export function routeSegments(file: string): Segment[] {
  const parts = file.replace(/\.(tsx|ts|jsx|js)$/, "").split("/");
  const segments: Segment[] = [];
  for (const [i, part] of parts.entries()) {
    if (/^\(.+\)$/.test(part)) continue; // groups add no URL segment
    if (part === "index" && i === parts.length - 1) continue;
    const rest = part.match(/^\[\.\.\.(\w+)\]$/);
    const param = part.match(/^\[(\w+)\]$/);
    if (rest) segments.push({ kind: "rest", name: rest[1] });
    else if (param) segments.push({ kind: "param", name: param[1] });
    else segments.push({ kind: "static", value: part });
  }
  return segments;
}

/** Renders segments as a readable pattern, e.g. `/channels/:id`. */
export function patternOf(segments: Segment[]): string {
  return "/" +
    segments.map((s) =>
      s.kind === "static"
        ? s.value
        : s.kind === "param"
        ? `:${s.name}`
        : `:${s.name}*`
    ).join("/");
}

/** A segment trie where static segments win over params, and params over rest. */
export class Router<T> {
  #root: Node<T> = newNode();

  /** Adds a route; a later route with the same pattern replaces the earlier one. */
  add(segments: Segment[], value: T): void {
    const pattern = patternOf(segments);
    let node = this.#root;
    for (const [i, segment] of segments.entries()) {
      if (segment.kind === "static") {
        let next = node.statics.get(segment.value);
        if (!next) node.statics.set(segment.value, next = newNode());
        node = next;
      } else if (segment.kind === "param") {
        let next = node.params.get(segment.name);
        if (!next) node.params.set(segment.name, next = newNode());
        node = next;
      } else {
        if (i !== segments.length - 1) {
          throw new Error(`A rest segment must come last in ${pattern}`);
        }
        node.rest = { name: segment.name, value, pattern };
        return;
      }
    }
    node.value = value;
    node.pattern = pattern;
  }

  /** Finds the route for a URL path, or null; undecodable paths match nothing. */
  match(pathname: string): Match<T> | null {
    const raw = pathname.split("/").filter((part) => part !== "");
    const parts: string[] = [];
    for (const part of raw) {
      try {
        parts.push(decodeURIComponent(part));
      } catch {
        return null;
      }
    }
    return this.#find(this.#root, parts, 0, {});
  }

  #find(
    node: Node<T>,
    parts: string[],
    i: number,
    params: Record<string, string>,
  ): Match<T> | null {
    if (i === parts.length) {
      if (node.value !== undefined) {
        return { value: node.value, params, pattern: node.pattern! };
      }
      if (node.rest) {
        return {
          value: node.rest.value,
          params: { ...params, [node.rest.name]: "" },
          pattern: node.rest.pattern,
        };
      }
      return null;
    }
    const next = node.statics.get(parts[i]);
    if (next) {
      const found = this.#find(next, parts, i + 1, params);
      if (found) return found;
    }
    for (const [name, child] of node.params) {
      const found = this.#find(child, parts, i + 1, {
        ...params,
        [name]: parts[i],
      });
      if (found) return found;
    }
    if (node.rest) {
      return {
        value: node.rest.value,
        params: { ...params, [node.rest.name]: parts.slice(i).join("/") },
        pattern: node.rest.pattern,
      };
    }
    return null;
  }
}
