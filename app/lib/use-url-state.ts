// Screen state (filters, a search) that lives in the URL, so it survives a reload and can be
// shared, without making the URL its source of truth while the operator types. Every URL change
// is a Remix navigation that revalidates the layout's loader, and updates made before the last
// one lands would start from stale parameters (a chip clicked, then typing, lost the click).
// So React state leads, and the URL follows once the operator pauses.
import { useSearchParams } from '@remix-run/react';
import { useEffect, useRef, useState } from 'react';

const WRITE_AFTER_MS = 300;

/** `read` and `write` must be stable (module-level) functions. */
export function useUrlState<T>(
  read: (params: URLSearchParams) => T,
  write: (value: T) => URLSearchParams,
): [T, (value: T) => void] {
  const [params, setParams] = useSearchParams();
  const [value, setValue] = useState(() => read(params));
  // Compared in this state's own terms: parameters it does not own (a `?connected=` notice) are
  // no reason to rewrite the URL.
  const written = useRef(write(read(params)).toString());

  // The URL changed under us (back, forward, a link to the bare page): it wins.
  useEffect(() => {
    const current = write(read(params)).toString();
    if (current !== written.current) {
      written.current = current;
      setValue(read(params));
    }
  }, [params, read, write]);

  useEffect(() => {
    const next = write(value).toString();
    if (next === written.current) return;
    const timer = setTimeout(() => {
      written.current = next;
      setParams(new URLSearchParams(next), { replace: true, preventScrollReset: true });
    }, WRITE_AFTER_MS);
    return () => clearTimeout(timer);
  }, [value, write, setParams]);

  return [value, setValue];
}
