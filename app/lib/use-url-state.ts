// Screen state (filters, a search) that lives in the URL, so it survives a reload and can be
// shared, without making the URL its source of truth while the operator types. Every URL change
// is a Remix navigation that revalidates the layout's loader, and updates made before the last
// one lands would start from stale parameters (a chip clicked, then typing, lost the click).
// So React state leads, and the URL follows once the operator pauses.
//
// A navigation someone else starts (a tab or a sidebar link, back, forward) wins over changes
// not yet written, made before it or while it loads: the write waiting for the pause is dropped,
// none is made until that navigation lands, and the URL it lands on becomes the state. A write
// fired while it loads would replace it, since it navigates to the path this page is leaving: a
// chip clicked right before the Archived tab pulled the inbox back to the Open tab while the
// tab's loader was still running. The page learns of a navigation only when it renders it, and
// the router renders in a transition, later; so a write that comes due asks the router itself.
import { useLocation, useNavigation, useSearchParams } from '@remix-run/react';
import { useEffect, useRef, useState } from 'react';

const WRITE_AFTER_MS = 300;

/** A location as one comparable string ("?" alone counts as no search). */
function pathOf(location: { pathname: string; search: string }): string {
  return location.search && location.search !== '?'
    ? `${location.pathname}${location.search}`
    : location.pathname;
}

/** Where the router is navigating to right now (not as last rendered), or null. */
function navigationUnderway(): string | null {
  const router = (window as { __remixRouter?: { state: { navigation: { location?: Location } } } })
    .__remixRouter;
  const location = router?.state.navigation.location;
  return location ? pathOf(location) : null;
}

/** `read` and `write` must be stable (module-level) functions. */
export function useUrlState<T>(
  read: (params: URLSearchParams) => T,
  write: (value: T) => URLSearchParams,
): [T, (value: T) => void] {
  const [params, setParams] = useSearchParams();
  const location = useLocation();
  const navigation = useNavigation();
  const [value, setValue] = useState(() => read(params));
  // Compared in this state's own terms: parameters it does not own (a `?connected=` notice) are
  // no reason to rewrite the URL.
  const written = useRef(write(read(params)).toString());
  // Where this state's last write navigates to, until it lands.
  const writing = useRef<string | null>(null);
  // A navigation of someone else's dropped a change not yet written: the URL it lands on wins,
  // even when it says what was last written.
  const superseded = useRef(false);
  const pending = navigation.location ? pathOf(navigation.location) : null;
  const otherNavigation = pending !== null && pending !== writing.current;

  // A navigation landed. Unless it was this state's own write, the URL wins (back, forward, a
  // link to the bare page or to another tab).
  // biome-ignore lint/correctness/useExhaustiveDependencies: every landing counts, even one that changes no parameter
  useEffect(() => {
    writing.current = null; // landed, or replaced by the navigation that did
    const current = write(read(params)).toString();
    if (current !== written.current || superseded.current) {
      superseded.current = false;
      written.current = current;
      setValue(read(params));
    }
  }, [location.key, params, read, write]);

  useEffect(() => {
    const next = write(value).toString();
    if (next === written.current) return;
    if (otherNavigation) {
      // Dropped (the cleanup of the previous run cleared its timer).
      superseded.current = true;
      return;
    }
    const timer = setTimeout(() => {
      const underway = navigationUnderway();
      if (underway !== null && underway !== writing.current) {
        superseded.current = true; // that navigation started before this write: it wins
        return;
      }
      written.current = next;
      writing.current = pathOf({ pathname: location.pathname, search: `?${next}` });
      setParams(new URLSearchParams(next), { replace: true, preventScrollReset: true });
    }, WRITE_AFTER_MS);
    return () => clearTimeout(timer);
  }, [value, write, setParams, otherNavigation, location.pathname]);

  return [value, setValue];
}
