import { FAVICON_SVG } from '#app/lib/favicon.ts';

export const loader = () =>
  new Response(FAVICON_SVG, {
    headers: { 'Content-Type': 'image/svg+xml', 'Cache-Control': 'public, max-age=86400' },
  });
