import { useEffect, useState } from "preact/hooks";
import { api, ApiFailure } from "../lib/client/api.ts";
import { MAX_DISPLAY_NAME_LENGTH } from "../lib/shared/limits.ts";
import { fieldText, FormError, useSending } from "./DialogForm.tsx";

/** An incoming webhook as its channel's managers see it. */
interface Webhook {
  id: string;
  name: string;
  createdAt: string;
}

/**
 * The "Webhooks" part of "Edit channel": the channel's incoming webhooks,
 * making one (its URL, secret included, is shown this once) and revoking
 * one. Loaded when the dialog opens, keyed by the channel.
 */
export function WebhooksSection(
  { open, channelId }: { open: boolean; channelId: string },
) {
  const [hooks, setHooks] = useState<Webhook[] | null>(null);
  const [made, setMade] = useState<{ channelId: string; url: string } | null>(
    null,
  );
  const sending = useSending();
  const { setError, busy } = sending;
  const path = `/channels/${encodeURIComponent(channelId)}/webhooks`;

  useEffect(() => {
    if (!open) return;
    const controller = new AbortController();
    api<Webhook[]>(path, { signal: controller.signal }).then(
      setHooks,
      (failure) => {
        if ((failure as Error).name === "AbortError") return;
        setError(
          failure instanceof ApiFailure
            ? failure.message
            : "The webhooks could not be loaded.",
        );
      },
    );
    return () => controller.abort();
  }, [open, path]);

  function create(event: Event): Promise<void> {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const name = fieldText(new FormData(form), "hook-name");
    if (!name) return Promise.resolve(setError("Give the webhook a name."));
    return sending.run(async () => {
      const hook = await api<Webhook & { url: string }>(path, {
        method: "POST",
        body: { name },
      });
      setHooks((list) => [...(list ?? []), hook]);
      setMade({ channelId, url: hook.url });
      form.reset();
    }, "The webhook could not be made.");
  }

  function revoke(id: string): Promise<void> {
    return sending.run(async () => {
      await api(`${path}/${encodeURIComponent(id)}`, { method: "DELETE" });
      setHooks((list) => (list ?? []).filter((h) => h.id !== id));
    }, "The webhook could not be revoked.");
  }

  // A URL shown for another channel's webhook is not this channel's.
  const url = made?.channelId === channelId ? made.url : null;
  return (
    <section class="stack webhooks" aria-labelledby="webhooks-title">
      <h3 id="webhooks-title">Webhooks</h3>
      <p class="muted">
        Tools post to this channel through a webhook's URL; anyone holding the
        URL can post.
      </p>
      {hooks !== null && hooks.length > 0 && (
        <ul class="webhook-list">
          {hooks.map((hook) => (
            <li key={hook.id}>
              <span>{hook.name}</span>
              <button
                type="button"
                class="button secondary"
                disabled={busy}
                aria-label={`Revoke webhook ${hook.name}`}
                onClick={() => revoke(hook.id)}
              >
                Revoke
              </button>
            </li>
          ))}
        </ul>
      )}
      {url && (
        <label class="field">
          <span>New webhook URL (copy it now: it is shown only once)</span>
          <input
            readOnly
            value={url}
            onFocus={(e) => e.currentTarget.select()}
          />
        </label>
      )}
      <form class="webhook-form" onSubmit={create} noValidate>
        <label class="field">
          <span>Webhook name</span>
          <input
            name="hook-name"
            maxLength={MAX_DISPLAY_NAME_LENGTH}
            autocomplete="off"
          />
        </label>
        <button type="submit" class="button secondary" disabled={busy}>
          Create webhook
        </button>
      </form>
      <FormError error={sending.error} />
    </section>
  );
}
