import { useEffect, type RefObject } from 'react';

/** How long a finger rests on a message before its menu opens, as phones' own apps do. */
export const LONG_PRESS_MS = 500;
/** A finger that moves further than this (px) is scrolling, not pressing. */
const SLOP = 10;

/**
 * While a menu is open: Escape closes it and gives focus back to its button; a click or tap
 * anywhere outside `root` closes it and leaves focus where the person put it.
 */
export function useDismiss(
  open: boolean,
  root: RefObject<HTMLElement | null>,
  button: RefObject<HTMLElement | null>,
  close: () => void,
): void {
  useEffect(() => {
    if (!open) return;
    const handleKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      e.preventDefault();
      close();
      button.current?.focus();
    };
    const handlePointer = (e: PointerEvent) => {
      if (!root.current?.contains(e.target as Node)) close();
    };
    document.addEventListener('keydown', handleKey);
    document.addEventListener('pointerdown', handlePointer, true);
    return () => {
      document.removeEventListener('keydown', handleKey);
      document.removeEventListener('pointerdown', handlePointer, true);
    };
  }, [open, root, button, close]);
}

/**
 * A touch (or pen) held still on the message around `anchor` for LONG_PRESS_MS calls `onPress`;
 * the browser's own long-press menu is kept from opening over it. A mouse is left alone: it
 * has the button.
 */
export function useLongPress(anchor: RefObject<HTMLElement | null>, onPress: () => void): void {
  useEffect(() => {
    const target = anchor.current?.closest('li') ?? null;
    if (!target) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let start: { x: number; y: number } | null = null;
    let pressed = false;
    const cancel = () => {
      clearTimeout(timer);
      start = null;
    };
    const handleDown = (e: PointerEvent) => {
      if (e.pointerType === 'mouse' || anchor.current?.contains(e.target as Node)) return;
      cancel();
      pressed = false;
      start = { x: e.clientX, y: e.clientY };
      timer = setTimeout(() => {
        pressed = true;
        start = null;
        onPress();
      }, LONG_PRESS_MS);
    };
    const handleMove = (e: PointerEvent) => {
      if (start && Math.hypot(e.clientX - start.x, e.clientY - start.y) > SLOP) cancel();
    };
    // The press that opened the menu is not also a tap on what lies under the finger.
    const handleClick = (e: Event) => {
      if (!pressed) return;
      pressed = false;
      e.preventDefault();
      e.stopPropagation();
    };
    const handleContextMenu = (e: Event) => {
      if (start || pressed) e.preventDefault();
    };
    target.addEventListener('pointerdown', handleDown);
    target.addEventListener('pointermove', handleMove);
    target.addEventListener('pointerup', cancel);
    target.addEventListener('pointercancel', cancel);
    target.addEventListener('click', handleClick, true);
    target.addEventListener('contextmenu', handleContextMenu);
    return () => {
      cancel();
      target.removeEventListener('pointerdown', handleDown);
      target.removeEventListener('pointermove', handleMove);
      target.removeEventListener('pointerup', cancel);
      target.removeEventListener('pointercancel', cancel);
      target.removeEventListener('click', handleClick, true);
      target.removeEventListener('contextmenu', handleContextMenu);
    };
  }, [anchor, onPress]);
}
