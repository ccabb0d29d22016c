import clsx from 'clsx';
import { useEffect, useRef, useState } from 'react';

/**
 * A contact's picture, or their initial when there is none or it no longer loads: Instagram's
 * picture URLs expire within days.
 */
export function Avatar({
  name,
  src,
  className = 'h-10 w-10',
}: {
  name: string;
  src: string | null;
  className?: string;
}) {
  const [failed, setFailed] = useState(false);
  const image = useRef<HTMLImageElement>(null);
  useEffect(() => {
    // The error may have fired before React hydrated and attached onError.
    const img = image.current;
    if (img?.complete && img.naturalWidth === 0) setFailed(true);
  }, []);

  if (!src || failed) {
    return (
      <span
        className={clsx(
          'flex shrink-0 items-center justify-center rounded-full bg-slate-200 text-sm font-semibold text-slate-600',
          className,
        )}
        aria-hidden="true"
      >
        {name.slice(0, 1).toUpperCase()}
      </span>
    );
  }
  return (
    <img
      ref={image}
      src={src}
      alt=""
      onError={() => setFailed(true)}
      className={clsx('shrink-0 rounded-full object-cover', className)}
    />
  );
}
