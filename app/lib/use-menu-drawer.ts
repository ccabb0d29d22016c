// The workspace navigation on a narrow screen: a drawer over the page, opened by the menu button.
// While it is open the page behind it is inert (focus and clicks stay in the drawer) and focus
// starts in it; Escape, the backdrop, its close button or any navigation close it, and focus then
// returns to the menu button. On a wide screen the same element is the sidebar and none of this
// applies: a drawer left open when the screen widens (a tablet turned) closes, and focus goes to
// the sidebar's link to this page.
import { useLocation } from '@remix-run/react';
import { useCallback, useEffect, useRef, useState } from 'react';

/** Tailwind's `lg`: from here up the navigation is a sidebar, never a drawer. */
const WIDE = '(min-width: 64rem)';

export function useMenuDrawer() {
  const location = useLocation();
  // Open only at the location it was opened at: following a link in it, switching workspace, or
  // going back closes it, with no effect to run after the navigation.
  const [openAt, setOpenAt] = useState<string | null>(null);
  const open = openAt !== null && openAt === location.key;
  // Forgotten once left, or going back to that location (the same key) would open it again.
  if (openAt !== null && !open) setOpenAt(null);
  const button = useRef<HTMLButtonElement>(null);
  const drawer = useRef<HTMLElement>(null);
  const page = useRef<HTMLDivElement>(null);
  const wasOpen = useRef(false);
  const close = useCallback(() => setOpenAt(null), []);

  useEffect(() => {
    if (page.current) page.current.inert = open;
    if (open) drawer.current?.querySelector<HTMLElement>('button, a, select')?.focus();
    else if (wasOpen.current) {
      // Wide, the menu button is hidden and cannot take focus, which would be lost.
      const wide = window.matchMedia(WIDE).matches;
      const pageLink =
        drawer.current?.querySelector<HTMLElement>('nav a[aria-current="page"]') ??
        drawer.current?.querySelector<HTMLElement>('nav a');
      (wide ? pageLink : button.current)?.focus();
    }
    wasOpen.current = open;
    if (!open) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') close();
    };
    const wide = window.matchMedia(WIDE);
    const onWiden = () => {
      if (wide.matches) close();
    };
    document.addEventListener('keydown', onKey);
    wide.addEventListener('change', onWiden);
    return () => {
      document.removeEventListener('keydown', onKey);
      wide.removeEventListener('change', onWiden);
    };
  }, [open, close]);

  return {
    open,
    toggle: () => setOpenAt(open ? null : location.key),
    close,
    /** The menu button, given focus back when the drawer closes. */
    button,
    /** The drawer; focus moves to its first control when it opens. */
    drawer,
    /** Everything but the drawer, inert while it is open. */
    page,
  };
}
