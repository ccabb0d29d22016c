// The service worker's own code, run against a stand-in of its global scope: no browser here can
// receive a push or click a notification, so this is where what they do is checked.
import { describe, expect, it } from 'vitest';
import { SERVICE_WORKER_SOURCE } from './push-service-worker.ts';

const ORIGIN = 'https://inbox.example.com';

interface ExtendableEvent {
  waitUntil(work: Promise<unknown>): void;
}

interface FakeWindow {
  url: string;
  /** What was asked of it, in order. */
  calls: string[];
  focus(): Promise<FakeWindow>;
  navigate(href: string): Promise<FakeWindow>;
}

/** A window of this origin; one the worker does not control refuses navigate(), as browsers do. */
function fakeWindow(url: string, { controlled = true, focusable = true } = {}): FakeWindow {
  const window: FakeWindow = {
    url,
    calls: [],
    async focus() {
      window.calls.push('focus');
      if (!focusable) throw new DOMException('Not allowed to focus a window.', 'InvalidAccessError');
      return window;
    },
    async navigate(href) {
      window.calls.push(`navigate ${href}`);
      if (!controlled) throw new TypeError('This service worker is not the client’s active service worker.');
      window.url = href;
      return window;
    },
  };
  return window;
}

/** The worker's source evaluated with `self` a stand-in that records what it is asked to do. */
function startWorker(windows: FakeWindow[] = []) {
  const listeners = new Map<string, (event: ExtendableEvent & Record<string, unknown>) => void>();
  const shown: { title: string; options: { tag?: string; data?: { path: string } } }[] = [];
  const opened: string[] = [];
  const self = {
    location: { origin: ORIGIN },
    navigator: {},
    addEventListener: (type: string, listener: (event: ExtendableEvent & Record<string, unknown>) => void) =>
      listeners.set(type, listener),
    registration: {
      showNotification: async (title: string, options: (typeof shown)[number]['options']) => {
        shown.push({ title, options });
      },
    },
    clients: {
      matchAll: async () => windows,
      openWindow: async (href: string) => {
        opened.push(href);
        return null;
      },
    },
  };
  new Function('self', SERVICE_WORKER_SOURCE)(self);

  async function dispatch(type: string, event: Record<string, unknown>): Promise<void> {
    const work: Promise<unknown>[] = [];
    listeners.get(type)?.({ ...event, waitUntil: (promise) => work.push(promise) });
    expect(work, `${type} is waited for`).toHaveLength(1);
    await Promise.all(work);
  }
  return {
    shown,
    opened,
    push: (payload: unknown) => dispatch('push', { data: { json: () => payload } }),
    click: (path: unknown) => dispatch('notificationclick', { notification: { data: { path }, close() {} } }),
  };
}

const HOSTILE = [
  '/\\evil.com',
  '/\t/evil.com',
  '/\n/evil.com',
  'https://evil.com',
  '//evil.com',
  'javascript:alert(1)',
  '/.//evil.com',
];

/** Seeded: strings of the pieces a crafted path is made of, the same every run. */
function generatedPaths(count: number): string[] {
  // What a URL parser reads as separators, skips or decodes, and the words around them.
  const marks = ['/', '//', '\\', '\t', '\n', '\r', ' ', '%2F', '%5C', '.', '..', ':', '@', '?', '#'];
  const pieces = [...marks, 'evil.com', 'javascript:', 'https:', 'http:', 'w', 'inbox'];
  let seed = 20260311;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  return Array.from({ length: count }, () =>
    Array.from(
      { length: 1 + Math.floor(random() * 6) },
      () => pieces[Math.floor(random() * pieces.length)],
    ).join(''),
  );
}

describe('the push service worker', () => {
  it('shows a push as a notification carrying the conversation’s path', async () => {
    const worker = startWorker();
    await worker.push({
      title: 'New message in Compilers & Co',
      conversationId: 'c-1',
      path: '/w/1/inbox/c-1?unread=1',
    });
    expect(worker.shown).toEqual([
      {
        title: 'New message in Compilers & Co',
        options: { tag: 'c-1', renotify: true, data: { path: '/w/1/inbox/c-1?unread=1' } },
      },
    ]);
  });

  it('on a click, brings an open window forward and then takes it to the conversation', async () => {
    const open = fakeWindow(`${ORIGIN}/w/1/settings`);
    const worker = startWorker([open]);
    await worker.click('/w/1/inbox/c-1');
    expect(open.calls).toEqual(['focus', `navigate ${ORIGIN}/w/1/inbox/c-1`]);
    expect(worker.opened).toEqual([]);
  });

  it('opens a window when none is open', async () => {
    const worker = startWorker();
    await worker.click('/w/1/inbox/c-1');
    expect(worker.opened).toEqual([`${ORIGIN}/w/1/inbox/c-1`]);
  });

  it('opens a new window when the open one is not its to navigate', async () => {
    const open = fakeWindow(`${ORIGIN}/w/1/inbox`, { controlled: false });
    const worker = startWorker([open]);
    await worker.click('/w/1/inbox/c-1');
    expect(open.calls).toEqual(['focus', `navigate ${ORIGIN}/w/1/inbox/c-1`]);
    expect(worker.opened).toEqual([`${ORIGIN}/w/1/inbox/c-1`]);
  });

  it('still takes a window it may not bring forward to the conversation', async () => {
    const open = fakeWindow(`${ORIGIN}/w/1/inbox`, { focusable: false });
    const worker = startWorker([open]);
    await worker.click('/w/1/inbox/c-1');
    expect(open.calls).toEqual(['focus', `navigate ${ORIGIN}/w/1/inbox/c-1`]);
    expect(worker.opened).toEqual([]);
  });

  it.each(HOSTILE)('never leaves the site for %j: it opens the app’s root', async (path) => {
    const worker = startWorker();
    await worker.push({ title: 'New message', path });
    expect(worker.shown[0]?.options.data).toEqual({ path: '/' });
    // Also for a notification whose data did not come through this version's push handler.
    await worker.click(path);
    expect(worker.opened).toEqual([`${ORIGIN}/`]);
  });

  it('opens only this site, whatever path a notification carries (generated paths)', async () => {
    for (const path of generatedPaths(2000)) {
      const worker = startWorker();
      await worker.push({ title: 'New message', path });
      // As shown by this version's push handler, and as carried by any other notification.
      await worker.click(worker.shown[0]?.options.data?.path);
      await worker.click(path);
      // The URL parser itself says where a browser would have gone with the path as it was.
      const elsewhere = !URL.canParse(path, ORIGIN) || new URL(path, ORIGIN).origin !== ORIGIN;
      for (const opened of worker.opened) {
        expect(new URL(opened).origin, JSON.stringify(path)).toBe(ORIGIN);
        if (elsewhere) expect(opened, JSON.stringify(path)).toBe(`${ORIGIN}/`);
      }
      expect(worker.opened).toHaveLength(2);
    }
  });
});
