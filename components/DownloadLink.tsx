import type { FileRef } from "../lib/client/types.ts";
import { Icon } from "./Icon.tsx";

/** A button-styled link that saves a file under its own name. */
export function DownloadLink({ file }: { file: FileRef }) {
  return (
    <a
      class="button secondary small"
      href={file.url}
      download={file.name}
      aria-label={`Download ${file.name}`}
    >
      <Icon name="download" size={16} /> Download
    </a>
  );
}
