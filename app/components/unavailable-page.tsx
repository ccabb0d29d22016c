// What a page shows while the inbox cannot reach its database (its loader answered 503): that it
// is temporary, and that the page tries again by itself, waiting a little longer each time, so
// nobody has to keep reloading. The page comes back as soon as a retry succeeds.
import { useRevalidator } from '@remix-run/react';
import { useEffect, useState } from 'react';

const FIRST_RETRY_MS = 5000; // the Retry-After the server sends
const LONGEST_RETRY_MS = 30_000;

export function UnavailablePage() {
  const { revalidate, state } = useRevalidator();
  const [attempts, setAttempts] = useState(0);
  useEffect(() => {
    if (state !== 'idle') return;
    const timer = setTimeout(
      () => {
        setAttempts((n) => n + 1);
        revalidate();
      },
      Math.min(LONGEST_RETRY_MS, FIRST_RETRY_MS * 2 ** attempts),
    );
    return () => clearTimeout(timer);
  }, [attempts, state, revalidate]);

  return (
    <main className="flex min-h-full items-center justify-center p-8">
      <div className="max-w-md text-center" role="status">
        <h1 className="text-2xl font-semibold text-slate-900">Temporarily unavailable</h1>
        <p className="mt-2 text-slate-600">
          The inbox cannot reach its database right now. Nothing you sent is lost; this page retries by itself
          and comes back as soon as it can.
        </p>
        <button
          type="button"
          onClick={() => revalidate()}
          disabled={state !== 'idle'}
          className="mt-6 inline-block font-medium text-brand-600 hover:text-brand-700 disabled:text-slate-400"
        >
          {state === 'idle' ? 'Retry now' : 'Retrying…'}
        </button>
      </div>
    </main>
  );
}
