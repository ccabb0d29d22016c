import { useState } from 'react';

/** Starts Meta's consent screen for this workspace (the API answers with the URL to go to). */
export function ConnectButton({
  workspaceId,
  login = 'instagram',
  returnTo = 'inbox',
  children,
  className,
}: {
  workspaceId: string;
  /** Instagram Login, or Facebook Login for accounts linked to a Facebook Page. */
  login?: 'instagram' | 'facebook';
  /** The screen Meta's consent screen brings the operator back to. */
  returnTo?: 'inbox' | 'accounts';
  children: React.ReactNode;
  className?: string;
}) {
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  async function connect() {
    setPending(true);
    setError(null);
    const query = new URLSearchParams({ workspace: workspaceId, login, return: returnTo });
    const response = await fetch(`/api/instagram/oauth?${query}`);
    const body = (await response.json()) as { authUrl?: string; error?: string };
    if (body.authUrl) window.location.assign(body.authUrl);
    else {
      setError(body.error ?? 'Could not start connecting. Try again.');
      setPending(false);
    }
  }
  return (
    <>
      <button type="button" onClick={connect} disabled={pending} className={className}>
        {pending ? 'Opening…' : children}
      </button>
      {error ? (
        <span role="alert" className="ml-3 text-red-700">
          {error}
        </span>
      ) : null}
    </>
  );
}
