import { useId } from 'react';

export function BrandMark({ className = 'h-9 w-9' }: { className?: string }) {
  // An id of its own: the shell draws the mark twice (sidebar, phone bar), and a gradient named
  // by the other one stops painting while that one is hidden.
  const gradient = useId();
  return (
    <svg viewBox="0 0 32 32" className={className} aria-hidden="true">
      <defs>
        <linearGradient id={gradient} x1="0" y1="1" x2="1" y2="0">
          <stop offset="0" stopColor="#f58529" />
          <stop offset=".5" stopColor="#dd2a7b" />
          <stop offset="1" stopColor="#8134af" />
        </linearGradient>
      </defs>
      <rect width="32" height="32" rx="8" fill={`url(#${gradient})`} />
      <path
        d="M9 11.5A2.5 2.5 0 0 1 11.5 9h9A2.5 2.5 0 0 1 23 11.5v6a2.5 2.5 0 0 1-2.5 2.5H15l-4 3v-3h.5A2.5 2.5 0 0 1 9 17.5z"
        fill="white"
      />
    </svg>
  );
}
