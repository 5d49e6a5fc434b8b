/**
 * Long-press on a touch screen: a finger held still on an element for about
 * half a second, as phones use for "more actions". Built on pointer events of
 * type `touch`, so a mouse or pen never triggers it. A press that started on
 * a link, button, image or text field is left to the browser (its own
 * long-press menu: open or save a link or image, select text).
 */
import { useRef } from "preact/hooks";

/** How long a finger stays down before it is a long-press. */
export const LONG_PRESS_MS = 500;
// A finger moving further than this (in CSS pixels) is scrolling, not pressing.
const SLOP = 10;
const OWN_PRESS = "a, button, img, video, input, textarea, [contenteditable]";

interface Press {
  x: number;
  y: number;
  element: HTMLElement;
  timer: ReturnType<typeof setTimeout>;
}

/** Handlers to spread on an element; `onLongPress` gets the element. */
export function useLongPress(onLongPress: (element: HTMLElement) => void) {
  const press = useRef<Press | null>(null);
  // A long-press happened: the context menu and the end of the touch are its own.
  const fired = useRef(false);

  const cancel = () => {
    clearTimeout(press.current?.timer);
    press.current = null;
  };
  const fire = () => {
    const element = press.current?.element;
    cancel();
    if (!element) return;
    fired.current = true;
    onLongPress(element);
  };

  return {
    onPointerDown(event: PointerEvent) {
      cancel();
      fired.current = false;
      const target = event.target as Element | null;
      if (event.pointerType !== "touch" || target?.closest(OWN_PRESS)) return;
      press.current = {
        x: event.clientX,
        y: event.clientY,
        element: event.currentTarget as HTMLElement,
        timer: setTimeout(fire, LONG_PRESS_MS),
      };
    },
    onPointerMove(event: PointerEvent) {
      const at = press.current;
      if (at && Math.hypot(event.clientX - at.x, event.clientY - at.y) > SLOP) {
        cancel();
      }
    },
    onPointerUp: cancel,
    onPointerCancel: cancel,
    // A phone's own long-press (its context menu) may come first: it is this one.
    onContextMenu(event: Event) {
      if (press.current) fire();
      if (fired.current) event.preventDefault();
    },
    // Without this the mouse events a touch ends with would move the focus
    // off the menu, and click whatever was under the finger.
    onTouchEnd(event: TouchEvent) {
      if (fired.current) event.preventDefault();
      fired.current = false;
    },
  };
}
