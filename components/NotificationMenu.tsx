import { useEffect, useState } from "preact/hooks";
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
import { usePopupMenu } from "./use_modal.ts";

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
  const { open, setOpen, button, menu, onKeyDown, onFocusOut } = usePopupMenu();
  const [error, setError] = useState("");
  const [sound, setSoundState] = useState(false);
  const [askable, setAskable] = useState(false);
  const setting = settingOfView(channel);

  // What the browser holds may have changed since the menu was last open.
  useEffect(() => {
    if (!open) return;
    setSoundState(soundOn());
    setAskable(mayAsk());
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

  const label = setting.muted
    ? "Notifications: muted"
    : `Notifications: ${LEVELS.find(([l]) => l === setting.notifications)![1]}`;
  return (
    <div
      class="user-menu notify-menu"
      onKeyDown={onKeyDown}
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
          onFocusOut={onFocusOut}
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
