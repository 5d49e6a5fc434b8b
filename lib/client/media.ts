/** How the chat shows a file of each type, and the images a channel's lightbox moves between. */
import { computed } from "@preact/signals";
import type { ChatState } from "./state.ts";
import type { FileRef } from "./types.ts";

/** How a file is shown in the log. */
export type MediaKind = "image" | "video" | "audio" | "pdf" | "file";

// The server serves these inline; every other type is a download.
const IMAGES = new Set(["image/png", "image/jpeg", "image/gif", "image/webp"]);

/** The way a file of this type is shown: image, player, PDF card or plain card. */
export function mediaKind(type: string): MediaKind {
  if (IMAGES.has(type)) return "image";
  if (type.startsWith("video/")) return "video";
  if (type.startsWith("audio/")) return "audio";
  if (type === "application/pdf") return "pdf";
  return "file";
}

/** The lightbox's actions and the images it shows, over `state`. */
export function createViewer(state: ChatState) {
  return {
    /** Every image of the loaded messages, oldest first: what the arrows move through. */
    images: computed<FileRef[]>(() =>
      state.messages.value.flatMap((m) =>
        m.file && mediaKind(m.file.type) === "image" ? [m.file] : []
      )
    ),
    /** Opens the image with this file id in the lightbox. */
    viewImage(fileId: string): void {
      state.viewing.value = fileId;
    },
    /** Closes the lightbox. */
    closeViewer(): void {
      state.viewing.value = null;
    },
  };
}
