import { api } from "../lib/client/api.ts";
import type { ChannelView } from "../lib/client/types.ts";
import {
  ChannelFields,
  fieldText,
  FormFoot,
  useSending,
} from "./DialogForm.tsx";
import { useModal } from "./use_modal.ts";

/** The "New channel" form, in a modal dialog; creating opens the channel. */
export function NewChannelDialog(
  { open, onClose }: { open: boolean; onClose(): void },
) {
  const sending = useSending();
  const dialog = useModal(open, () => sending.setError(""));

  function submit(event: Event): Promise<void> {
    event.preventDefault();
    const data = new FormData(event.currentTarget as HTMLFormElement);
    const name = fieldText(data, "name");
    if (!name) {
      return Promise.resolve(sending.setError("Give the channel a name."));
    }
    return sending.run(
      async () => {
        const channel = await api<ChannelView>("/channels", {
          method: "POST",
          body: {
            name,
            topic: fieldText(data, "topic"),
            private: data.get("private") === "on",
          },
        });
        location.assign(`/c/${encodeURIComponent(channel.id)}`);
      },
      "The channel could not be created.",
      true,
    );
  }

  return (
    <dialog
      ref={dialog}
      class="dialog"
      aria-labelledby="new-channel-title"
      onClose={onClose}
    >
      <form class="stack" onSubmit={submit} noValidate>
        <h2 id="new-channel-title">New channel</h2>
        <ChannelFields />
        <label class="check">
          <input type="checkbox" name="private" />
          <span>
            Private
            <span class="muted block">
              Only people the owner adds can see it.
            </span>
          </span>
        </label>
        <FormFoot sending={sending} submit="Create" onCancel={onClose} />
      </form>
    </dialog>
  );
}
