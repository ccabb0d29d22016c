import { vitePlugin as remix } from '@remix-run/dev';
import tailwindcss from '@tailwindcss/vite';
import { defineConfig } from 'vite';
import { getEnv } from './server/env.ts';
import { allowedMethods } from './server/http/allowed-methods.ts';
import { requestGuard } from './server/http/request-guard.ts';

declare module '@remix-run/node' {
  interface Future {
    v3_singleFetch: true;
  }
}

export default defineConfig(({ isSsrBuild }) => ({
  // The server build imports server/ from source (the production server runs under tsx) instead
  // of bundling its own copy: one set of services per process, one database pool, one queue client.
  build: isSsrBuild ? { rollupOptions: { external: [/^#server\//] } } : {},
  plugins: [
    tailwindcss(),
    // The dev server guards requests as the production server does: these middlewares come
    // before Vite's own and Remix's, as they come first in app/server.ts.
    {
      name: 'request-guard',
      configureServer(server) {
        server.middlewares.use(allowedMethods);
        // Made at the first request: Remix's build starts a dev server too, with no app env.
        let guard: ReturnType<typeof requestGuard> | undefined;
        server.middlewares.use((req, res, next) => {
          guard ??= requestGuard(getEnv());
          guard(req, res, next);
        });
      },
    },
    remix({
      future: {
        v3_fetcherPersist: true,
        v3_relativeSplatPath: true,
        v3_throwAbortReason: true,
        v3_singleFetch: true,
        v3_lazyRouteDiscovery: true,
      },
    }),
  ],
  // Pre-bundle the client's dependencies up front, so the first page load in dev does not trigger
  // a re-optimisation and a full reload under the operator's first clicks. Route modules import
  // server code for their loaders (Remix strips it from the browser build, but Vite's dependency
  // scan follows it), so the server's packages are excluded: found late, they caused that reload.
  optimizeDeps: {
    exclude: [
      '@remix-run/node',
      'dotenv',
      'jose',
      'kysely',
      'pg',
      'pg-boss',
      'rate-limiter-flexible',
      'web-push',
      'ws',
      'zod',
    ],
    include: [
      '@supabase/realtime-js',
      // Imported by @supabase/ssr (whose cookie helpers the page uses): named here, the dev server
      // bundles it at startup, not once a page has loaded (which reloads the page).
      '@supabase/supabase-js',
      '@supabase/ssr',
      '@tanstack/react-query',
      '@trpc/client',
      '@trpc/tanstack-react-query',
      'clsx',
      'react',
      'react-dom',
      'react-dom/client',
    ],
  },
  server: { host: '127.0.0.1' },
}));
