import { useEffect, useRef, useState } from "preact/hooks";
import {
  askPermission,
  mayAsk,
  setSound,
  soundOn,
} from "../lib/client/alerts.ts";
import { api } from "../lib/client/api.ts";
import type { ChannelView } from "../lib/client/types.ts";
import type {
  NotificationLevel,
  NotificationSetting,
} from "../lib/shared/notifications.ts";
import { settingOfView } from "../lib/client/attention.ts";
import { Icon } from "./Icon.tsx";

const LEVELS: [NotificationLevel, string][] = [
  ["all", "All messages"],
  ["mentions", "Mentions only"],
  ["none", "Nothing"],
];

/**
 * The header's bell: this channel's level and mute, the browser's permission
 * to notify, and the alert sound. Changes are saved at once.
 */
export function NotificationMenu(
  { channel, onChange }: {
    channel: ChannelView;
    /** Takes the saved setting into the page's state. */
    onChange(setting: NotificationSetting): void;
  },
) {
  const [open, setOpen] = useState(false);
  const [error, setError] = useState("");
  const [sound, setSoundState] = useState(false);
  const [askable, setAskable] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);
  const setting = settingOfView(channel);

  useEffect(() => {
    if (!open) return;
    setSoundState(soundOn());
    setAskable(mayAsk());
    menu.current?.querySelector<HTMLElement>("[role^=menuitem]")?.focus();
    const onPointer = (event: PointerEvent) => {
      const target = event.target as Node;
      if (
        !menu.current?.contains(target) && !button.current?.contains(target)
      ) setOpen(false);
    };
    document.addEventListener("pointerdown", onPointer);
    return () => document.removeEventListener("pointerdown", onPointer);
  }, [open]);

  async function save(change: { level?: NotificationLevel; muted?: boolean }) {
    setError("");
    try {
      onChange(
        await api<NotificationSetting>(
          `/channels/${encodeURIComponent(channel.id)}/notifications`,
          { method: "PUT", body: change },
        ),
      );
    } catch {
      setError("Could not save; try again");
    }
  }

  function close(refocus: boolean): void {
    setOpen(false);
    if (refocus) button.current?.focus();
  }

  const label = setting.muted
    ? "Notifications: muted"
    : `Notifications: ${LEVELS.find(([l]) => l === setting.notifications)![1]}`;
  return (
    <div
      class="user-menu notify-menu"
      onKeyDown={(event) => {
        if (event.key === "Escape" && open) {
          event.stopPropagation();
          close(true);
        }
      }}
    >
      <button
        ref={button}
        type="button"
        class="icon-button notify-toggle"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls="notify-menu"
        title={label}
        onClick={() => setOpen(!open)}
      >
        <Icon name={setting.muted ? "bellOff" : "bell"} />
        <span class="sr-only">{label}</span>
      </button>
      {open && (
        <div
          ref={menu}
          class="menu"
          onFocusOut={(event) => {
            const next = event.relatedTarget as Node | null;
            if (next && !menu.current?.contains(next)) close(false);
          }}
        >
          <div class="menu-caption">
            <strong>Notify me of</strong>
          </div>
          <div id="notify-menu" role="menu" aria-label="Notifications">
            {LEVELS.map(([level, text]) => (
              <button
                key={level}
                type="button"
                role="menuitemradio"
                class="menu-item"
                aria-checked={setting.notifications === level}
                onClick={() => save({ level })}
              >
                <span class="menu-check" aria-hidden="true">
                  {setting.notifications === level ? "●" : ""}
                </span>
                {text}
              </button>
            ))}
            <button
              type="button"
              role="menuitemcheckbox"
              class="menu-item"
              aria-checked={setting.muted}
              onClick={() => save({ muted: !setting.muted })}
            >
              <span class="menu-check" aria-hidden="true">
                {setting.muted ? "✓" : ""}
              </span>
              Mute this channel
            </button>
            <button
              type="button"
              role="menuitemcheckbox"
              class="menu-item"
              aria-checked={sound}
              onClick={() => {
                setSound(!sound);
                setSoundState(!sound);
              }}
            >
              <span class="menu-check" aria-hidden="true">
                {sound ? "✓" : ""}
              </span>
              Play a sound
            </button>
            {askable && (
              <button
                type="button"
                role="menuitem"
                class="menu-item"
                onClick={async () => {
                  await askPermission();
                  setAskable(mayAsk());
                }}
              >
                <Icon name="bell" size={18} /> Enable desktop notifications
              </button>
            )}
          </div>
          {error && <p class="menu-error" role="alert">{error}</p>}
        </div>
      )}
    </div>
  );
}
