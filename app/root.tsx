import type { HeadersFunction, LinksFunction, MetaFunction } from '@remix-run/node';
import {
  isRouteErrorResponse,
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  useRouteError,
} from '@remix-run/react';
import { QueryClientProvider } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { UnavailablePage } from './components/unavailable-page.tsx';
import { useCspNonce } from './lib/csp-nonce.ts';
import { FAVICON_DATA_URL } from './lib/favicon.ts';
import { createBrowserTrpcClient, createQueryClient, TRPCProvider } from './lib/trpc.ts';
import styles from './tailwind.css?url';

export const links: LinksFunction = () => [
  { rel: 'stylesheet', href: styles },
  { rel: 'icon', href: FAVICON_DATA_URL, type: 'image/svg+xml' },
];

export const meta: MetaFunction = () => [{ title: 'Inbox · Instagram Direct for your CRM' }];

// A page that failed because the database is away says when to try again: Remix hands the error's
// headers only to the route that shows it, and every page's error shows here.
export const headers: HeadersFunction = ({ errorHeaders }) => {
  const retryAfter = errorHeaders?.get('Retry-After');
  return retryAfter ? { 'Retry-After': retryAfter } : new Headers();
};

export function Layout({ children }: { children: ReactNode }) {
  const nonce = useCspNonce();
  return (
    <html lang="en" className="h-full">
      <head>
        <meta charSet="utf-8" />
        {/* resizes-content: an on-screen keyboard shrinks the layout viewport (and 100dvh), so the
            reply box at the bottom of a conversation moves up above it instead of under it. */}
        <meta
          name="viewport"
          content="width=device-width, initial-scale=1, interactive-widget=resizes-content"
        />
        <Meta />
        <Links />
      </head>
      <body className="h-full">
        {children}
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  const [queryClient] = useState(createQueryClient);
  const [trpcClient] = useState(createBrowserTrpcClient);
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        <Outlet />
      </TRPCProvider>
    </QueryClientProvider>
  );
}

export function ErrorBoundary() {
  const error = useRouteError();
  // The database is away (see app/lib/unavailable.server.ts): temporary, and retried by itself.
  if (isRouteErrorResponse(error) && error.status === 503) return <UnavailablePage />;
  const [title, detail] = isRouteErrorResponse(error)
    ? [
        `${error.status} ${error.statusText}`,
        typeof error.data === 'string' ? error.data : 'This page is not available.',
      ]
    : ['Something went wrong', 'An unexpected error occurred. Try again in a moment.'];
  return (
    <main className="flex min-h-full items-center justify-center p-8">
      <div className="max-w-md text-center">
        <h1 className="text-2xl font-semibold text-slate-900">{title}</h1>
        <p className="mt-2 text-slate-600">{detail}</p>
        <a href="/" className="mt-6 inline-block font-medium text-brand-600 hover:text-brand-700">
          Back to the inbox
        </a>
      </div>
    </main>
  );
}
