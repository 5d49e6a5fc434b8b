import assert from "node:assert/strict";
import { renderToString } from "preact-render-to-string";
import { Avatar } from "./Avatar.tsx";

Deno.test("Avatar() shows the uploaded image small, sized and lazy, and initials without one", () => {
  const image = renderToString(
    <Avatar id="u1" name="Bea Lee" size="sm" src="/avatars/u1/3" />,
  );
  assert.match(image, /<img [^>]*src="\/avatars\/u1\/3"/);
  assert.match(image, /width="28"/);
  assert.match(image, /height="28"/);
  assert.match(image, /loading="lazy"/);
  assert.match(image, / alt[ =]/);
  assert.doesNotMatch(image, />BL</);

  const initials = renderToString(<Avatar id="u1" name="Bea Lee" src={null} />);
  assert.doesNotMatch(initials, /<img/);
  assert.match(initials, />BL</);
});
