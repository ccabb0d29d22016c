// What to enter in Meta's App Dashboard so Meta delivers to this inbox: the callback URL (with a
// copy button), where the verify token comes from, and the fields to subscribe.
import { useEffect, useRef, useState } from 'react';

/** Why each field the inbox subscribes to matters, in an operator's words. */
const FIELD_PURPOSE: Record<string, string> = {
  messages:
    'Direct messages, story replies and shares, and the echoes of replies sent from Instagram itself.',
  message_reactions: 'Reactions customers add to or remove from messages.',
  messaging_seen: 'Read receipts: when the customer has seen your reply.',
  messaging_postbacks: 'Taps on buttons and ice breakers.',
  messaging_referral: 'Customers arriving from an ad, an ig.me link or a shop.',
  message_edit: 'Edits customers make to messages they sent.',
  comments: 'Comments on your posts, reels and ads, and your replies to them (needs Advanced Access).',
  live_comments: 'Comments during your live broadcasts.',
};

export function WebhookSetup({ callbackUrl, fields }: { callbackUrl: string; fields: string[] }) {
  return (
    <section
      aria-labelledby="webhook-setup-heading"
      className="rounded-xl border border-slate-200 bg-white p-6 shadow-sm max-sm:p-4"
    >
      <h2 id="webhook-setup-heading" className="text-base font-semibold text-slate-900">
        Connect Meta to this inbox
      </h2>
      <p className="mt-1 text-sm leading-relaxed text-slate-500">
        In Meta's App Dashboard, open <strong className="font-medium text-slate-700">Instagram</strong> ›{' '}
        <strong className="font-medium text-slate-700">API setup with Instagram login</strong> ›{' '}
        <strong className="font-medium text-slate-700">Configure webhooks</strong>, enter these values and
        click <strong className="font-medium text-slate-700">Verify and save</strong>.
      </p>

      <CallbackUrl url={callbackUrl} />

      <div className="mt-5">
        <h3 className="text-sm font-medium text-slate-900">Verify token</h3>
        <p className="mt-1 text-sm leading-relaxed text-slate-500">
          The value of{' '}
          <code className="rounded bg-slate-100 px-1 py-0.5 text-xs">INSTAGRAM_VERIFY_TOKEN</code> in the
          server's environment. It is a secret, so it is never shown here.
        </p>
      </div>

      <div className="mt-5">
        <h3 id="webhook-fields-heading" className="text-sm font-medium text-slate-900">
          Fields to subscribe
        </h3>
        <ul aria-labelledby="webhook-fields-heading" className="mt-2 divide-y divide-slate-100">
          {fields.map((field) => (
            <li key={field} className="flex items-baseline gap-3 py-2 text-sm max-sm:flex-col max-sm:gap-1">
              <code className="w-44 shrink-0 max-sm:w-auto rounded-md bg-slate-100 px-2 py-0.5 font-mono text-xs text-slate-800">
                {field}
              </code>
              <span className="text-slate-600">
                {FIELD_PURPOSE[field] ?? 'Used by the inbox.'}
                {field === 'messages' ? (
                  <span className="ml-1.5 rounded-full bg-brand-50 px-2 py-0.5 text-xs font-medium text-brand-700">
                    required
                  </span>
                ) : null}
              </span>
            </li>
          ))}
        </ul>
        <p className="mt-2 text-xs leading-relaxed text-slate-500">
          Each Instagram account is subscribed automatically when it is connected; Meta sends it the fields
          chosen here.
        </p>
      </div>
    </section>
  );
}

function CallbackUrl({ url }: { url: string }) {
  const [copied, setCopied] = useState<'yes' | 'select' | null>(null);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(null), 2500);
    return () => clearTimeout(timer);
  }, [copied]);
  async function copy() {
    try {
      await navigator.clipboard.writeText(url);
      setCopied('yes');
    } catch {
      // The clipboard can be refused (permissions, an insecure origin): select it for Ctrl+C instead.
      input.current?.select();
      setCopied('select');
    }
  }
  return (
    <div className="mt-5">
      <label htmlFor="callback-url" className="text-sm font-medium text-slate-900">
        Callback URL
      </label>
      <div className="mt-1.5 flex gap-2">
        <input
          id="callback-url"
          ref={input}
          readOnly
          value={url}
          onFocus={(event) => event.target.select()}
          className="min-w-0 flex-1 rounded-lg border border-slate-300 bg-slate-50 px-3 py-2 font-mono text-sm text-slate-800 outline-none focus:border-brand-500 focus:ring-4 focus:ring-brand-100"
        />
        <button
          type="button"
          onClick={copy}
          aria-label="Copy callback URL"
          className="shrink-0 rounded-lg border border-slate-200 bg-white px-3.5 py-2 text-sm font-medium text-slate-700 shadow-sm hover:bg-slate-50"
        >
          {copied === 'yes' ? 'Copied' : 'Copy'}
        </button>
      </div>
      <p role="status" className="mt-1 h-4 text-xs text-slate-500">
        {copied === 'yes'
          ? 'Copied to the clipboard.'
          : copied === 'select'
            ? 'Selected: press Ctrl+C (⌘C on a Mac) to copy.'
            : ''}
      </p>
    </div>
  );
}
