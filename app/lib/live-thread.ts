// Keeps cached threads current from live events by reading only what changed, and patching it in
// (thread-cache.ts): a message a broadcast names is read on its own (`messages.byIds`), then the
// cached messages whose view shows something of it; a conversation's change re-reads only its own
// state (its newest page, one message long). Refetching the thread read every loaded page again,
// one after another, for each event. Reads for one conversation that come together go as one.
// Whatever a patch cannot be trusted to cover (a read that failed) refetches the thread instead.
import type { QueryClient, QueryFilters } from '@tanstack/react-query';
import type { TRPCClient } from '@trpc/client';
import type { ThreadMessage } from '#app/components/thread/thread-types.ts';
import type { AppRouter } from '#server/trpc/app.router.ts';
import { dependents, patchHeader, patchMessages, type ThreadData } from './thread-cache.ts';
import { whenIdle } from './when-idle.ts';

export interface LiveThread {
  workspaceId: string;
  conversationId: string;
  /** The thread's cached queries. */
  filter: QueryFilters;
}

interface Pending {
  thread: LiveThread;
  /** Named by broadcasts: what shows them is read next. */
  named: Set<string>;
  /** Read because they show something of a message that changed. */
  shown: Set<string>;
  header: boolean;
}

/** Sent on their own, not in a batch with other calls, whose answer they would wait for (trpc.ts). */
const LIVE_READ = { context: { unbatched: true } };

/** `messages.byIds` takes this many at a time. */
const BY_IDS_LIMIT = 100;

export function liveThreads(queryClient: QueryClient, api: TRPCClient<AppRouter>) {
  const pending = new Map<string, Pending>();
  const running = new Set<string>();

  function queue(thread: LiveThread): Pending {
    let entry = pending.get(thread.conversationId);
    if (!entry) {
      entry = { thread, named: new Set(), shown: new Set(), header: false };
      pending.set(thread.conversationId, entry);
      // After the current task: broadcasts delivered together are read together.
      queueMicrotask(() => void drain(thread.conversationId));
    }
    return entry;
  }

  async function drain(conversationId: string) {
    if (running.has(conversationId)) return;
    const entry = pending.get(conversationId);
    if (!entry) return;
    pending.delete(conversationId);
    running.add(conversationId);
    try {
      await read(entry);
    } catch {
      await queryClient.invalidateQueries(entry.thread.filter);
    } finally {
      running.delete(conversationId);
    }
    // What arrived while this read was under way.
    if (pending.has(conversationId)) await drain(conversationId);
  }

  async function read({ thread, named, shown, header }: Pending) {
    const ids = [...new Set([...named, ...shown])];
    // Each read patches as soon as it is back: the messages do not wait for the header.
    await Promise.all([
      ids.length > 0 ? readNamed(thread, ids, named) : undefined,
      header ? readHeader(thread) : undefined,
    ]);
  }

  async function readNamed(thread: LiveThread, ids: string[], named: Set<string>) {
    const found = await readMessages(thread.workspaceId, ids);
    const fresh = found.messages.filter((m) => m.conversationId === thread.conversationId).map(threadMessage);
    await patch(thread, (data) => patchMessages(data, fresh, found.missing));
    const cached = queryClient.getQueriesData<ThreadData>(thread.filter)[0]?.[1];
    const changed = fresh.filter((m) => named.has(m.id));
    const showing = cached ? dependents(cached, changed) : [];
    if (showing.length > 0) for (const id of showing) queue(thread).shown.add(id);
  }

  async function readHeader(thread: LiveThread) {
    const { workspaceId, conversationId } = thread;
    const head = await api.inbox.conversation.query({ workspaceId, conversationId, limit: 1 }, LIVE_READ);
    await patch(thread, (data) => patchMessages(patchHeader(data, head), head.messages, []));
  }

  async function patch(thread: LiveThread, update: (data: ThreadData) => ThreadData) {
    await whenIdle(queryClient, thread.filter);
    queryClient.setQueriesData<ThreadData>(thread.filter, (data) => (data ? update(data) : data));
  }

  async function readMessages(workspaceId: string, ids: string[]) {
    const reads = [];
    for (let at = 0; at < ids.length; at += BY_IDS_LIMIT) {
      const messageIds = ids.slice(at, at + BY_IDS_LIMIT);
      reads.push(api.messages.byIds.query({ workspaceId, messageIds }, LIVE_READ));
    }
    const results = await Promise.all(reads);
    return {
      messages: results.flatMap((result) => result.messages),
      missing: results.flatMap((result) => result.missing),
    };
  }

  return {
    /** Messages of the thread a broadcast named (created, or changed: edited, unsent, sent, seen). */
    messages(thread: LiveThread, ids: string[]) {
      const entry = queue(thread);
      for (const id of ids) entry.named.add(id);
    },
    /** The conversation itself changed (assigned, archived, read, its window, its contact). */
    header(thread: LiveThread) {
      queue(thread).header = true;
    },
  };
}

function threadMessage({
  conversationId: _conversationId,
  ...message
}: ThreadMessage & { conversationId: string }) {
  return message;
}
