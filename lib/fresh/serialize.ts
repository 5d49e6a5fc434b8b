/** Marks a serialised signal so the browser can turn it back into one. */
export const SIGNAL_TAG = "__hearth_signal";

interface SignalLike {
  peek(): unknown;
  brand?: symbol;
}

function isSignal(value: unknown): value is SignalLike {
  return typeof value === "object" && value !== null &&
    typeof (value as SignalLike).peek === "function" &&
    "value" in (value as object);
}

/** Serialises island props to JSON; signals survive, functions are refused. */
export function serializeProps(
  island: string,
  props: Record<string, unknown>,
): string {
  return JSON.stringify(props, function (this: unknown, key, value) {
    // JSON.stringify calls toJSON() before the replacer, and signals have one
    // that returns their plain value: look at the property itself instead.
    const raw = key === "" ? value : (this as Record<string, unknown>)[key];
    if (isSignal(raw)) return { [SIGNAL_TAG]: raw.peek() };
    if (typeof value === "function" || typeof value === "symbol") {
      throw new TypeError(
        `Island "${island}" got prop "${key}" that cannot be serialised`,
      );
    }
    if (typeof value === "bigint") return value.toString();
    return value;
  });
}
