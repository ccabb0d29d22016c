// Settings' notifications: what the operator hears about in this workspace (the same preference
// their phones follow), and "Notify me in this browser", which subscribes this browser to Web Push
// through the service worker at /push-sw.js and registers the subscription as one of their devices.
// A browser that cannot subscribe (no push service reachable, permission denied) says so plainly.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import clsx from 'clsx';
import { useEffect, useState } from 'react';
import { useTRPC } from '#app/lib/trpc.ts';

const SERVICE_WORKER_URL = '/push-sw.js';

const CHOICES = [
  { value: 'all', label: 'New messages in unassigned conversations and in mine' },
  { value: 'assigned', label: 'Only conversations assigned to me' },
  { value: 'none', label: 'Nothing from this workspace' },
] as const;

type Support = 'checking' | 'unsupported' | 'supported';

function browserLabel(): string {
  const agent = navigator.userAgent;
  const browser = /Edg\//.test(agent)
    ? 'Edge'
    : /Firefox\//.test(agent)
      ? 'Firefox'
      : /Chrom(e|ium)\//.test(agent)
        ? 'Chrome'
        : /Safari\//.test(agent)
          ? 'Safari'
          : 'Browser';
  const system = /Android/.test(agent)
    ? 'Android'
    : /iPhone|iPad/.test(agent)
      ? 'iOS'
      : /Mac OS X/.test(agent)
        ? 'macOS'
        : /Windows/.test(agent)
          ? 'Windows'
          : /Linux/.test(agent)
            ? 'Linux'
            : '';
  return system ? `${browser} on ${system}` : browser;
}

function applicationServerKey(base64url: string): Uint8Array<ArrayBuffer> {
  const base64 = base64url.replaceAll('-', '+').replaceAll('_', '/');
  const raw = atob(base64.padEnd(Math.ceil(base64.length / 4) * 4, '='));
  return Uint8Array.from(raw, (c) => c.charCodeAt(0));
}

async function currentSubscription(): Promise<PushSubscription | null> {
  const registration = await navigator.serviceWorker.getRegistration(SERVICE_WORKER_URL);
  return (await registration?.pushManager.getSubscription()) ?? null;
}

export function BrowserNotifications({ workspaceId }: { workspaceId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const preferences = useQuery(trpc.notifications.preferences.queryOptions({ workspaceId }));
  const webPush = useQuery(trpc.notifications.webPush.queryOptions());
  const update = useMutation(
    trpc.notifications.updatePreferences.mutationOptions({
      onSuccess: (saved) =>
        queryClient.setQueryData(trpc.notifications.preferences.queryKey({ workspaceId }), saved),
    }),
  );
  const register = useMutation(trpc.devices.register.mutationOptions());
  const unregister = useMutation(trpc.devices.unregister.mutationOptions());
  const [support, setSupport] = useState<Support>('checking');
  const [subscribed, setSubscribed] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  // On opening: is this browser subscribed? If so it registers again (idempotent), since the
  // server may have dropped it or the browser renewed its subscription since.
  const registerAgain = register.mutate;
  useEffect(() => {
    const supported = 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;
    setSupport(supported ? 'supported' : 'unsupported');
    if (!supported) return;
    currentSubscription()
      .then((subscription) => {
        setSubscribed(subscription !== null);
        const keys = subscription?.toJSON().keys;
        if (!subscription || !keys?.p256dh || !keys.auth) return;
        registerAgain({
          platform: 'web',
          subscription: { endpoint: subscription.endpoint, keys: { p256dh: keys.p256dh, auth: keys.auth } },
          label: browserLabel(),
        });
      })
      .catch(() => setSubscribed(false));
  }, [registerAgain]);

  async function turnOn(vapidPublicKey: string) {
    const permission = await Notification.requestPermission();
    if (permission !== 'granted') {
      throw new Error('Notifications are blocked for this site: allow them in the browser’s site settings.');
    }
    const registration = await navigator.serviceWorker.register(SERVICE_WORKER_URL, { scope: '/' });
    await navigator.serviceWorker.ready;
    let subscription: PushSubscription;
    try {
      subscription = await registration.pushManager.subscribe({
        userVisibleOnly: true,
        applicationServerKey: applicationServerKey(vapidPublicKey),
      });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(
        `This browser could not subscribe at its push service (${reason}). It may have no connection to it; try again later or in another browser.`,
      );
    }
    const json = subscription.toJSON();
    await register.mutateAsync({
      platform: 'web',
      subscription: {
        endpoint: subscription.endpoint,
        keys: { p256dh: json.keys?.p256dh ?? '', auth: json.keys?.auth ?? '' },
      },
      label: browserLabel(),
    });
  }

  async function turnOff() {
    const subscription = await currentSubscription();
    if (!subscription) return;
    await unregister.mutateAsync({ endpoint: subscription.endpoint }).catch(() => {});
    await subscription.unsubscribe();
  }

  async function toggle() {
    const key = webPush.data?.vapidPublicKey;
    if (!key) return;
    setBusy(true);
    setProblem(null);
    try {
      if (subscribed) {
        await turnOff();
        setSubscribed(false);
      } else {
        await turnOn(key);
        setSubscribed(true);
      }
    } catch (error) {
      setProblem(error instanceof Error ? error.message : String(error));
    } finally {
      setBusy(false);
    }
  }

  const available = support === 'supported' && Boolean(webPush.data?.vapidPublicKey);
  const unavailableReason =
    support === 'unsupported'
      ? 'This browser cannot receive push notifications.'
      : webPush.data && !webPush.data.vapidPublicKey
        ? 'This server is not set up to send browser notifications.'
        : null;

  return (
    <section
      className="mt-6 rounded-xl border border-slate-200 bg-white shadow-sm"
      aria-labelledby="notifications"
    >
      <header className="border-b border-slate-200 px-5 py-4">
        <h2 id="notifications" className="text-sm font-semibold text-slate-900">
          Notifications
        </h2>
        <p className="mt-1 text-xs text-slate-500">
          Your own choice for this workspace, on your phones and in your browsers. A notification names the
          workspace only, never the customer or what they wrote.
        </p>
      </header>
      <div className="space-y-4 px-5 py-4 text-sm">
        <label className="block">
          <span className="font-medium text-slate-900">Notify me about</span>
          <select
            className="mt-1 block w-full rounded-lg border border-slate-300 bg-white px-3 py-2 text-base sm:text-sm"
            value={preferences.data?.notify ?? 'all'}
            disabled={preferences.isPending || update.isPending}
            onChange={(event) =>
              update.mutate({ workspaceId, notify: event.target.value as (typeof CHOICES)[number]['value'] })
            }
          >
            {CHOICES.map((choice) => (
              <option key={choice.value} value={choice.value}>
                {choice.label}
              </option>
            ))}
          </select>
        </label>
        <div className="flex items-start gap-4">
          <div className="min-w-0 flex-1">
            <p id="browser-notifications-label" className="font-medium text-slate-900">
              Notify me in this browser
            </p>
            <p id="browser-notifications-description" className="mt-0.5 text-xs text-slate-500">
              {unavailableReason ??
                (subscribed
                  ? 'This browser shows a notification when a customer writes, even with the inbox closed.'
                  : 'Shows a notification in this browser when a customer writes.')}
            </p>
          </div>
          <button
            type="button"
            role="switch"
            aria-checked={subscribed}
            aria-labelledby="browser-notifications-label"
            aria-describedby="browser-notifications-description"
            disabled={!available || busy}
            onClick={() => void toggle()}
            className={clsx(
              'relative mt-0.5 h-6 w-11 shrink-0 rounded-full transition disabled:cursor-not-allowed disabled:opacity-60',
              subscribed ? 'bg-brand-600' : 'bg-slate-300',
            )}
          >
            <span
              className={clsx(
                'absolute top-0.5 left-0.5 h-5 w-5 rounded-full bg-white shadow transition',
                subscribed && 'translate-x-5',
              )}
            />
          </button>
        </div>
        {problem || update.isError ? (
          <p role="alert" className="text-sm text-red-700">
            {problem ?? update.error?.message}
          </p>
        ) : null}
      </div>
    </section>
  );
}
