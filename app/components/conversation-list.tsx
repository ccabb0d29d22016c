import { NavLink } from '@remix-run/react';
import type { inferRouterOutputs } from '@trpc/server';
import clsx from 'clsx';
import type { AppRouter } from '#server/trpc/app.router.ts';
import { Avatar } from './avatar.tsx';

export type ConversationSummary =
  inferRouterOutputs<AppRouter>['inbox']['listConversations']['items'][number];

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dateFormat = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });

function shortTime(iso: string): string {
  const date = new Date(iso);
  return date.toDateString() === new Date().toDateString()
    ? timeFormat.format(date)
    : dateFormat.format(date);
}

/**
 * The location state of a conversation opened from the list: the list's address, so the
 * conversation knows the history entry before its own is that list (see its Back).
 */
export interface OpenedFromList {
  list: string;
}

/** Where a row of the virtualised list (virtual-conversation-list.tsx) sits, and how it is measured. */
export interface RowPlacement {
  measure: (element: HTMLElement | null) => void;
  index: number;
  /** Its top, in pixels from the top of the list. */
  start: number;
  /** How many rows the list has; -1 while not known (more pages remain). */
  setSize: number;
}

export function ConversationRow({
  conversation,
  to,
  state,
  row,
}: {
  conversation: ConversationSummary;
  to: string;
  state?: OpenedFromList;
  row: RowPlacement;
}) {
  const name = conversation.contactName || conversation.contactUsername || 'Instagram user';
  const unread = conversation.unreadCount > 0;
  return (
    <li
      ref={row.measure}
      data-index={row.index}
      aria-posinset={row.index + 1}
      aria-setsize={row.setSize}
      className="absolute top-0 left-0 w-full border-b border-slate-100"
      style={{ transform: `translateY(${row.start}px)` }}
    >
      <NavLink
        to={to}
        state={state}
        aria-label={`Conversation with ${name}`}
        className={({ isActive }) =>
          clsx(
            'flex gap-3 px-4 py-3 transition hover:bg-slate-50',
            isActive && 'bg-brand-50 hover:bg-brand-50',
          )
        }
      >
        <Avatar name={name} src={conversation.contactAvatar} />
        <div className="min-w-0 flex-1">
          <div className="flex items-baseline justify-between gap-2">
            <p
              className={clsx(
                'truncate text-sm',
                unread ? 'font-semibold text-slate-900' : 'font-medium text-slate-800',
              )}
            >
              {name}
            </p>
            <time dateTime={conversation.lastMessageAt} className="shrink-0 text-xs text-slate-500">
              {shortTime(conversation.lastMessageAt)}
            </time>
          </div>
          <div className="mt-0.5 flex items-center justify-between gap-2">
            <p className={clsx('truncate text-sm', unread ? 'text-slate-800' : 'text-slate-500')}>
              {conversation.lastMessagePreview ?? 'No messages yet'}
            </p>
            {unread ? (
              <span
                data-testid="unread-count"
                title={`${conversation.unreadCount} unread`}
                className="shrink-0 rounded-full bg-brand-500 px-1.5 py-0.5 text-[11px] font-semibold leading-none text-white"
              >
                {conversation.unreadCount}
              </span>
            ) : null}
          </div>
          {conversation.accountName ? (
            <p className="mt-1 truncate text-[11px] font-medium text-slate-400">{conversation.accountName}</p>
          ) : null}
        </div>
      </NavLink>
    </li>
  );
}
