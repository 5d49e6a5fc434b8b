import assert from "node:assert/strict";
import { renderToString } from "preact-render-to-string";
import { displaySize, FileAttachment, IMAGE_BOX } from "./FileAttachment.tsx";

const image = (width?: number, height?: number) => ({
  id: "f",
  name: "a.png",
  size: 1,
  type: "image/png",
  url: "/files/f",
  thumbnailUrl: "/files/f/thumbnail",
  ...(width === undefined ? {} : { width, height }),
});

Deno.test("displaySize() fits an image's own shape into the box, never enlarging it", () => {
  assert.deepEqual(displaySize(image(4032, 3024)), { width: 320, height: 240 });
  assert.deepEqual(displaySize(image(1000, 100)), { width: 360, height: 36 });
  assert.deepEqual(displaySize(image(2, 2)), { width: 2, height: 2 });
  assert.deepEqual(displaySize(image(10_000, 1)), { width: 360, height: 1 });
});

Deno.test("displaySize() uses the whole box when the size is unknown", () => {
  assert.deepEqual(displaySize(image()), IMAGE_BOX);
});

Deno.test("FileAttachment reserves an image's own shape, or a fixed height without one", () => {
  const sized = renderToString(<FileAttachment file={image(400, 100)} />);
  assert.match(sized, /<img [^>]*width="360"[^>]*height="90"/);
  assert.doesNotMatch(sized, /class="boxed"/);
  const older = renderToString(<FileAttachment file={image()} />);
  assert.match(older, /<img class="boxed"/);
});

Deno.test("FileAttachment shows the thumbnail, never the original, and a card without one", () => {
  const shown = renderToString(<FileAttachment file={image(400, 100)} />);
  assert.match(shown, /<img [^>]*src="\/files\/f\/thumbnail"/);
  assert.doesNotMatch(shown, /src="\/files\/f"/);
  const { thumbnailUrl: _, ...bare } = image(400, 100);
  const card = renderToString(<FileAttachment file={bare} />);
  assert.doesNotMatch(card, /<img/);
  assert.match(card, /attachment-card/);
});
