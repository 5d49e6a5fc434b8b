/** Links to one message, and showing a message the log holds. */

/** A message's permalink: its channel's page, opened at the message. */
export const permalink = (channelId: string, seq: number): string =>
  `/c/${encodeURIComponent(channelId)}?m=${seq}`;

/**
 * Scrolls the log to the message at `seq` and highlights it; false when the
 * log does not hold it (the caller then follows its permalink).
 */
export function showMessage(seq: number): boolean {
  const element = document.getElementById(`message-${seq}`);
  if (!element) return false;
  for (const old of document.querySelectorAll(".msg.permalinked")) {
    if (old !== element) old.classList.remove("permalinked");
  }
  element.classList.add("permalinked");
  element.scrollIntoView({ block: "center" });
  return true;
}
