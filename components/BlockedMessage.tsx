import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";

/**
 * A message by someone the reader blocked: collapsed to "Blocked message —
 * show" until shown. The log keys it by the message, so showing one message
 * shows only that one, and it stays shown while the page lives.
 */
export function BlockedMessage({ children }: { children: ComponentChildren }) {
  const [shown, setShown] = useState(false);
  if (shown) return <>{children}</>;
  return (
    <div class="msg msg-blocked">
      <p class="muted">
        Blocked message —{" "}
        <button
          type="button"
          class="link-button"
          onClick={() => setShown(true)}
        >
          show
        </button>
      </p>
    </div>
  );
}
