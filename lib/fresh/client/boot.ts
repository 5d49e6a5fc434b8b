/// <reference lib="dom" />
import { h, hydrate } from "preact";

/** Loads an island module by its file name under islands/. */
export type IslandLoader = () => Promise<Record<string, unknown>>;

const SIGNAL_TAG = "__hearth_signal";

/** Hydrates every island on the page with the props the server rendered it with. */
export async function boot(
  loaders: Record<string, IslandLoader>,
): Promise<void> {
  const elements = Array.from(
    document.querySelectorAll<HTMLElement>("hearth-island"),
  );
  await Promise.all(elements.map(async (element) => {
    const [file, exportName] = (element.dataset.island ?? "").split("#");
    const load = loaders[file];
    if (!load) return console.error(`Unknown island ${file}`);
    const component = (await load())[exportName];
    if (typeof component !== "function") {
      return console.error(`No island ${exportName} in ${file}`);
    }
    const text = element.dataset.props ?? "{}";
    const props = text.includes(SIGNAL_TAG)
      ? await reviveSignals(JSON.parse(text))
      : JSON.parse(text);
    hydrate(h(component as () => null, props), element);
    // Lets tests and styles tell a live island from server HTML.
    element.setAttribute("data-hydrated", "");
  }));
}

// Signals are revived only on pages that pass them, so other pages never load the library.
async function reviveSignals(value: unknown): Promise<unknown> {
  const { signal } = await import("@preact/signals");
  const revive = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(revive);
    if (typeof v === "object" && v !== null) {
      if (SIGNAL_TAG in v) {
        return signal((v as Record<string, unknown>)[SIGNAL_TAG]);
      }
      return Object.fromEntries(
        Object.entries(v).map(([k, x]) => [k, revive(x)]),
      );
    }
    return v;
  };
  return revive(value);
}
