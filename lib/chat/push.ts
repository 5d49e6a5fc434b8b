/**
 * Use cases of Web Push: the key browsers subscribe with, their
 * subscriptions, and pushing a new message to the members who asked for it
 * and have no Hearth page open.
 *
 * "No page open" is the server's simple test of focus: a member with an open
 * socket on this instance has a page (visible or not) that shows its own
 * browser notifications, so only members without one get a push.
 */
import type { ChannelRecord } from "../db/channels.ts";
import { isMember } from "../db/members.ts";
import { getNotificationSettings } from "../db/notifications.ts";
import {
  claimPush,
  deleteSubscription,
  listSubscriberIds,
  listSubscriptions,
  removeSubscription,
  saveSubscription,
  vapidKeys,
} from "../db/push.ts";
import type { User } from "../db/users.ts";
import { errorFields, log } from "../log.ts";
import { sendPush } from "../push/sender.ts";
import type { Services } from "../services.ts";
import { notifies } from "../shared/notifications.ts";
import type { PushSubscriptionBody } from "../shared/requests.ts";
import type { Message } from "../shared/wire.ts";

// The VAPID `sub` claim: who runs this server, for the push services' operators.
const PUSH_CONTACT = "mailto:push@hearth.invalid";

/** The VAPID public key browsers subscribe with (generated on first use, then kept). */
export async function pushKey(services: Services): Promise<string> {
  return (await vapidKeys(services.kv)).publicKey;
}

/**
 * How long this instance trusts its list of who has a subscribed browser. A
 * push reads rows only of people who can receive one, so a message to a big
 * channel whose members never subscribed costs no read per member; a browser
 * subscribed on another instance starts receiving within this time.
 */
export const SUBSCRIBERS_TTL_MS = 10_000;

const subscribers = new WeakMap<
  Deno.Kv,
  { at: number; ids: Promise<Set<string>> }
>();

function subscriberIds(kv: Deno.Kv): Promise<Set<string>> {
  const cached = subscribers.get(kv);
  if (cached && Date.now() - cached.at < SUBSCRIBERS_TTL_MS) return cached.ids;
  const ids = listSubscriberIds(kv);
  subscribers.set(kv, { at: Date.now(), ids });
  ids.catch(() => subscribers.delete(kv));
  return ids;
}

/** Keeps this browser's subscription for `user` (one per endpoint). */
export async function subscribe(
  services: Services,
  user: User,
  body: PushSubscriptionBody,
): Promise<void> {
  await saveSubscription(services.kv, user.id, body.endpoint, body.keys);
  subscribers.delete(services.kv);
}

/** Forgets this browser's subscription for `user`. */
export async function unsubscribe(
  services: Services,
  user: User,
  endpoint: string,
): Promise<void> {
  await deleteSubscription(services.kv, user.id, endpoint);
  subscribers.delete(services.kv);
}

/** What a push carries: where the message is and who wrote it, never its text. */
export interface PushPayload {
  title: string;
  body: string;
  url: string;
  channelId: string;
  seq: number;
}

/**
 * Pushes a new message to each member its channel's setting asks for who has
 * no page open, once per browser. Never throws: a push is a courtesy.
 */
export async function pushMessage(
  services: Services,
  channel: ChannelRecord,
  message: Message,
): Promise<void> {
  try {
    const { kv } = services;
    const candidates = [...await subscriberIds(kv)].filter((id) =>
      id !== message.author.id && !services.presence.isOnline(id)
    );
    if (candidates.length === 0) return;
    const inChannel = await Promise.all(
      candidates.map((id) => isMember(kv, channel.id, id)),
    );
    const members = candidates.filter((_, i) => inChannel[i]);
    const settings = await getNotificationSettings(kv, channel, members);
    const wanted = new Set(
      members.filter((id, i) =>
        notifies(settings[i], message.mentions.includes(id))
      ),
    );
    if (wanted.size === 0) return;
    const subscriptions = await listSubscriptions(services.kv, [...wanted]);
    if (subscriptions.length === 0) return;
    const keys = await vapidKeys(services.kv);
    const vapid = { ...keys, contact: PUSH_CONTACT };
    const policy = {
      allowPrivate: services.config.pushAllowHttpLoopback,
    };
    await Promise.all(subscriptions.map(async (subscription) => {
      const mentioned = message.mentions.includes(subscription.userId);
      const payload: PushPayload = {
        title: `${message.author.displayName} in #${channel.name}`,
        body: mentioned ? "Mentioned you" : "New message",
        url: `/c/${encodeURIComponent(channel.id)}?m=${message.seq}`,
        channelId: channel.id,
        seq: message.seq,
      };
      const first = await claimPush(
        services.kv,
        subscription.id,
        channel.id,
        message.seq,
      );
      if (!first) return;
      const outcome = await sendPush(subscription, payload, vapid, policy);
      if (outcome === "gone") {
        await removeSubscription(
          services.kv,
          subscription.userId,
          subscription.id,
        );
        subscribers.delete(services.kv);
      } else if (outcome !== "sent") {
        log("warn", "push not delivered", { outcome, seq: message.seq });
      }
    }));
  } catch (error) {
    log("error", "pushing a message failed", errorFields(error));
  }
}
