import {
  type ComponentChild,
  type ComponentType,
  createContext,
  h,
  options,
  type VNode,
} from "preact";
import { useContext } from "preact/hooks";
import { serializeProps } from "./serialize.ts";

/** Island modules keyed by their file name under `islands/`. */
export type IslandModules = Record<string, Record<string, unknown>>;

// Maps each island component to the name the browser loads it by: "File.tsx#export".
const islandNames = new Map<unknown, string>();
// Set while a page renders, to count the islands it used.
let rendering: { used: number } | null = null;
const InsideIsland = createContext(false);

/** Registers every exported component of the island modules. */
export function registerIslands(modules: IslandModules): void {
  for (const [file, mod] of Object.entries(modules)) {
    for (const [exportName, value] of Object.entries(mod)) {
      if (typeof value === "function") {
        islandNames.set(value, `${file}#${exportName}`);
      }
    }
  }
}

interface BoundaryProps {
  island: string;
  component: ComponentType<Record<string, unknown>>;
  props: Record<string, unknown>;
}

/** Wraps an island so the browser can find it and hydrate it with its props. */
function IslandBoundary(
  { island, component, props }: BoundaryProps,
): ComponentChild {
  const inner = plain(component, props);
  const nested = useContext(InsideIsland);
  // An island inside another island is hydrated as part of its parent.
  if (nested) return inner;
  if (rendering) rendering.used++;
  const marked = h("hearth-island", {
    "data-island": island,
    "data-props": serializeProps(island, props),
  }, inner);
  return h(InsideIsland.Provider, { value: true, children: marked });
}

let bypass = false;

// Creates the island's own vnode without wrapping it in a boundary again.
function plain(
  component: ComponentType<Record<string, unknown>>,
  props: Record<string, unknown>,
) {
  bypass = true;
  try {
    return h(component, props);
  } finally {
    bypass = false;
  }
}

const previousVnodeHook = options.vnode;
options.vnode = (vnode: VNode) => {
  // Page components may build their vnodes before rendering starts (async pages),
  // so islands are marked whenever they are created on the server.
  if (!bypass && typeof vnode.type === "function") {
    const island = islandNames.get(vnode.type);
    if (island) {
      const component = vnode.type as ComponentType<Record<string, unknown>>;
      const props = vnode.props as Record<string, unknown>;
      vnode.type = IslandBoundary as ComponentType<unknown>;
      vnode.props = { island, component, props } as unknown as VNode["props"];
    }
  }
  previousVnodeHook?.(vnode);
};

/** Runs a synchronous render with island marking on, and counts islands used. */
export function withIslandMarking<T>(
  render: () => T,
): { result: T; islands: number } {
  const outer = rendering;
  const state = { used: 0 };
  rendering = state;
  try {
    return { result: render(), islands: state.used };
  } finally {
    rendering = outer;
  }
}
