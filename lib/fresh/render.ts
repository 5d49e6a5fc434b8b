import { Fragment, h, type VNode } from "preact";
import { renderToString } from "preact-render-to-string";
import { withIslandMarking } from "./islands.ts";

/** Renders a full HTML document; pages with islands get the one boot script. */
export function renderDocument(
  vnode: VNode | null,
  clientScript: string | null,
): string {
  const { result: html, islands } = withIslandMarking(() =>
    renderToString(vnode ?? h(Fragment, null))
  );
  let document = html.startsWith("<html") ? `<!DOCTYPE html>${html}` : html;
  if (islands > 0 && clientScript) {
    // A module script is deferred, so the head is the earliest safe place for it.
    const tag = `<script type="module" src="${clientScript}"></script>`;
    const at = document.indexOf("</head>");
    document = at === -1
      ? tag + document
      : document.slice(0, at) + tag + document.slice(at);
  }
  return document;
}
