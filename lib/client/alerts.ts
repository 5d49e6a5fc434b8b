/**
 * Alerts while the tab is hidden: a browser notification (when permitted)
 * and an optional sound for each new message the channel's setting asks
 * for. Messages of the open channel come on its socket; another channel's
 * come as `activity` frames, after which the new messages are read to tell
 * whether they mention me (that read also keeps its mention badge true).
 */
import { signal } from "@preact/signals";
import { api } from "./api.ts";
import { alerts, messageUrl } from "./attention.ts";
import { personLabel } from "./format.ts";
import type { ChatStore } from "./store.ts";
import type { ChannelView, Message, ServerFrame } from "./types.ts";

const SOUND_KEY = "hearth:sound";
const ASKED_KEY = "hearth:notifications-asked";
// Enough for a burst; anything older is summed up by the badges.
const NEW_MESSAGES_READ = 50;
const PREVIEW_CHARS = 140;

/** Whether the alert sound is on (off unless chosen, kept per browser). */
export function soundOn(): boolean {
  try {
    return localStorage.getItem(SOUND_KEY) === "on";
  } catch {
    return false;
  }
}

/** Turns the alert sound on or off for this browser. */
export function setSound(on: boolean): void {
  try {
    if (on) localStorage.setItem(SOUND_KEY, "on");
    else localStorage.removeItem(SOUND_KEY);
  } catch {
    // Storage refused (private mode): the choice lasts this page only.
  }
}

/** Whether this browser has notifications and has not been asked yet. */
export function mayAsk(): boolean {
  return "Notification" in globalThis && Notification.permission === "default";
}

/** Asks for permission to notify (from a click, or after a first send). */
export async function askPermission(): Promise<void> {
  if (!mayAsk()) return;
  try {
    localStorage.setItem(ASKED_KEY, "1");
  } catch {
    // Without storage the page may ask again next time; the browser decides.
  }
  if (await Notification.requestPermission() === "granted") {
    await enablePush();
  }
}

/**
 * With permission to notify, registers the service worker and this
 * browser's push subscription, so messages reach it with no Hearth page
 * open. Does nothing where push is unavailable or the permission is missing.
 */
export async function enablePush(): Promise<void> {
  if (
    !("serviceWorker" in navigator) || !("PushManager" in globalThis) ||
    Notification.permission !== "granted"
  ) return;
  try {
    const registration = await navigator.serviceWorker.register("/sw.js", {
      scope: "/",
    });
    const { publicKey } = await api<{ publicKey: string }>("/push/key");
    let subscription = await registration.pushManager.getSubscription();
    subscription ??= await registration.pushManager.subscribe({
      userVisibleOnly: true,
      applicationServerKey: publicKey,
    });
    await api("/push/subscriptions", {
      method: "POST",
      body: subscription.toJSON(),
    });
  } catch {
    // No push service here (or it refused): the open page still notifies.
  }
}

/** Asks once per browser, after the user's first sent message: they are engaged, not just arriving. */
export function askAfterFirstSend(): void {
  let asked = false;
  try {
    asked = localStorage.getItem(ASKED_KEY) !== null;
  } catch {
    asked = true;
  }
  if (!asked) void askPermission();
}

/** Watches the frames of a page and alerts on what its settings ask for. */
export function createAlerts(store: ChatStore) {
  const shown = new Set<string>();
  // Mentions (and DMs) in the open channel while hidden: the title counts
  // them, since the open channel's own badge is hidden as being read.
  const hiddenHere = signal(0);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") hiddenHere.value = 0;
  });

  function alert(message: Message, channel: ChannelView): void {
    const key = `${message.channelId}:${message.seq}`;
    if (document.visibilityState !== "hidden" || shown.has(key)) return;
    if (!alerts(message, channel, store.me.id)) return;
    shown.add(key);
    if (soundOn()) chime();
    if (!("Notification" in globalThis)) return;
    if (Notification.permission !== "granted") return;
    const text = message.content.trim() ||
      (message.file ? `shared ${message.file.name}` : "");
    const notification = new Notification(
      `${personLabel(message.author)} in #${channel.name}`,
      {
        body: text.slice(0, PREVIEW_CHARS),
        tag: key,
        icon: "/icon.svg",
        data: { url: messageUrl(message.channelId, message.seq) },
      },
    );
    notification.onclick = () => {
      focus();
      notification.close();
      location.assign(messageUrl(message.channelId, message.seq));
    };
  }

  async function readNew(channel: ChannelView, after: number): Promise<void> {
    let fresh: Message[];
    try {
      fresh = await api<Message[]>(
        `/channels/${
          encodeURIComponent(channel.id)
        }/messages?after=${after}&limit=${NEW_MESSAGES_READ}`,
      );
    } catch {
      return; // Offline: the next resync brings the counts.
    }
    const mentioned = fresh.some((m) =>
      m.author.id !== store.me.id && !m.deleted &&
      m.mentions.includes(store.me.id)
    );
    // The server counts the badge: adding these here would count them twice
    // whenever a resync (focus, reconnect) lands while this read is in flight.
    if (mentioned) void store.refreshChannels();
    for (const message of fresh) alert(message, channel);
  }

  /** Looks at a frame before the store takes it in (it needs the old seqs). */
  function onFrame(frame: ServerFrame): void {
    if (frame.type === "message") {
      const channel = store.channel.value;
      const message = frame.message;
      if (!channel || message.channelId !== channel.id) return;
      if (message.seq <= store.lastSeq.value) return; // held already
      if (
        document.visibilityState === "hidden" &&
        message.author.id !== store.me.id && !message.deleted &&
        (channel.kind === "dm" || message.mentions.includes(store.me.id)) &&
        !channel.muted
      ) hiddenHere.value++;
      alert(message, channel);
      return;
    }
    if (frame.type !== "activity") return;
    const channel = store.channels.value.find((c) => c.id === frame.channelId);
    if (!channel || frame.lastSeq <= channel.lastSeq) return;
    if (channel.muted || channel.notifications === "none") return;
    void readNew(channel, channel.lastSeq);
  }

  return { onFrame, hiddenHere };
}

/** The page's alerts. */
export type Alerts = ReturnType<typeof createAlerts>;

// A short two-note chime, made on the spot so there is no sound file to load.
function chime(): void {
  try {
    const audio = new AudioContext();
    const gain = audio.createGain();
    gain.connect(audio.destination);
    gain.gain.setValueAtTime(0.08, audio.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.5);
    for (const [i, hz] of [880, 1320].entries()) {
      const tone = audio.createOscillator();
      tone.frequency.value = hz;
      tone.connect(gain);
      tone.start(audio.currentTime + i * 0.12);
      tone.stop(audio.currentTime + 0.5);
    }
    setTimeout(() => void audio.close(), 800);
  } catch {
    // No audio here (or not allowed yet): the notification is enough.
  }
}
