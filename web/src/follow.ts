// Following the end of a growing box (the live log) by the user's intent: the
// user's own input stops following (wheel up, PageUp/ArrowUp/Home, a drag on the
// scrollbar, a touch swipe down) and scrolling back to the end by hand, End or
// the Follow button resumes it. Scroll events alone never pause: a line that
// lands between the user's scroll and the browser's scroll event moves the view
// to the end before that event, so a rule read from scroll positions either
// yanks the view back or pauses on the view's own scrolls (it did both).
import { useEffect, useRef, useState } from "preact/hooks";

/** Nearer the end than this (px) counts as at the end. */
const SLACK = 8;
/** A scroll event this soon after the user's input is the user's. */
const INPUT_MS = 600;

/** A line's height, about: what a wheel's line or the down arrow scrolls. */
const LINE = 17;

const UP_KEYS = new Set(["PageUp", "ArrowUp", "Home"]);
const DOWN_KEYS = new Set(["PageDown", "ArrowDown", " "]);

export const atEnd = (b: HTMLElement) => b.scrollHeight - b.scrollTop - b.clientHeight < SLACK;

export interface Follow {
  following: boolean;
  /** Follows again and goes to the end (End, the Follow button). */
  resume(): void;
  /** Handlers for the box. */
  on: {
    onWheel(e: WheelEvent): void;
    onKeyDown(e: KeyboardEvent): void;
    onPointerDown(e: PointerEvent): void;
    onTouchStart(e: TouchEvent): void;
    onTouchMove(e: TouchEvent): void;
    onScroll(): void;
  };
}

/** `grew` changes whenever the box's content does (the lines held). */
export function useFollow(box: { current: HTMLElement | null }, grew: unknown): Follow {
  const [following, setFollowing] = useState(true);
  const follow = useRef(true);
  /** Until then, the user was last seen going down (a scroll event to the end is theirs). */
  const downUntil = useRef(0);
  /** The pointer holds the scrollbar: the view stays put, and where the user drags decides. */
  const held = useRef(false);
  const touchY = useRef(0);
  const set = (f: boolean) => {
    follow.current = f;
    setFollowing(f);
  };
  const resume = () => {
    set(true);
    toEnd();
  };
  /** The user goes down by `by` px: to (or past) the end as it is now follows again, though lines arriving meanwhile move the end on. */
  const down = (by: number) => {
    downUntil.current = performance.now() + INPUT_MS;
    const b = box.current;
    if (b && !follow.current && b.scrollTop + by >= b.scrollHeight - b.clientHeight - SLACK) resume();
  };
  // a pause means something only when there is somewhere up to go
  const up = () => {
    downUntil.current = 0;
    const b = box.current;
    if (b && b.scrollTop > 0 && follow.current) set(false);
  };
  const toEnd = () => {
    const b = box.current;
    if (b && !held.current) b.scrollTop = b.scrollHeight;
  };

  useEffect(() => {
    if (follow.current) toEnd();
  }, [grew, following]);
  // a scrollbar drag ends wherever the pointer is let go, also outside the box
  useEffect(() => {
    const release = () => {
      if (!held.current) return;
      held.current = false;
      if (follow.current) toEnd();
    };
    window.addEventListener("pointerup", release);
    window.addEventListener("pointercancel", release);
    return () => {
      window.removeEventListener("pointerup", release);
      window.removeEventListener("pointercancel", release);
    };
  }, []);

  return {
    following,
    resume,
    on: {
      onWheel: (e) => {
        const b = e.currentTarget as HTMLElement;
        const by = e.deltaY * (e.deltaMode === 1 ? LINE : e.deltaMode === 2 ? b.clientHeight : 1);
        if (by < 0) up();
        else if (by > 0) down(by);
      },
      onKeyDown: (e) => {
        if (e.altKey || e.metaKey) return;
        if (UP_KEYS.has(e.key) || (e.key === " " && e.shiftKey)) up();
        else if (e.key === "End") resume();
        else if (DOWN_KEYS.has(e.key)) down(e.key === "ArrowDown" ? LINE : (e.currentTarget as HTMLElement).clientHeight);
      },
      onPointerDown: (e) => {
        const b = e.currentTarget as HTMLElement;
        // on the scrollbar: right of (or below) the content box
        const r = b.getBoundingClientRect();
        if (e.clientX - r.left < b.clientLeft + b.clientWidth && e.clientY - r.top < b.clientTop + b.clientHeight) return;
        held.current = true;
      },
      onTouchStart: (e) => {
        touchY.current = e.touches[0]?.clientY ?? 0;
      },
      onTouchMove: (e) => {
        const y = e.touches[0]?.clientY ?? 0;
        // the finger moving down scrolls the content up
        if (y > touchY.current + 2) up();
        else if (y < touchY.current - 2) down(touchY.current - y);
        touchY.current = y;
      },
      onScroll: () => {
        const b = box.current;
        if (!b) return;
        // while the scrollbar is held every scroll is the user's; otherwise only a downward one
        // of theirs to the end brings following back: the view's own scrolls change nothing
        if (held.current) {
          if (atEnd(b) !== follow.current) set(atEnd(b));
        } else if (!follow.current && performance.now() < downUntil.current && atEnd(b)) set(true);
      },
    },
  };
}
