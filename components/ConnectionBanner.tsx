import type { ConnectionStatus } from "../lib/client/socket.ts";
import { Icon } from "./Icon.tsx";

/** Says the connection dropped and offers to reconnect at once. */
export function ConnectionBanner(
  { status, onReconnect }: {
    status: ConnectionStatus;
    onReconnect(): void;
  },
) {
  // The region is always there, so screen readers hear it change.
  return (
    <div class="banner-region" role="status">
      {status === "offline" && (
        <div class="banner">
          <Icon name="wifiOff" size={18} />
          <span>Connection lost. Reconnecting…</span>
          <button type="button" class="link-button" onClick={onReconnect}>
            Try now
          </button>
        </div>
      )}
    </div>
  );
}
