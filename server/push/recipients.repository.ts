// Who hears about a customer's new message, and the badge each of them gets. One rule, written
// once (`hears`), decides both:
// - a member hears about a conversation assigned to them unless their preference for the
//   workspace is 'none', and about an unassigned one only if it is 'all' (no preference: 'all');
//   nobody else hears about an assigned conversation;
// - never about a conversation they muted;
// - only members of the conversation's workspace, as they are when the job runs, and only on
//   devices whose registering session is still alive (signing out silences a phone at once).
// The badge is the sum of unread_count over every conversation the person would hear about, in
// all of their workspaces: the app's icon shows one number, whichever workspace is open.
import { type RawBuilder, sql } from 'kysely';
import type { Tx } from '../db/database.ts';
import type { Platform } from './push.schemas.ts';

/** `member` (workspace_members), `pref` (their preferences, left-joined) and `conv` (a conversation). */
const hears: RawBuilder<boolean> = sql<boolean>`(
  not exists (select 1 from public.conversation_mutes mute
              where mute.conversation_id = conv.id and mute.user_id = member.user_id)
  and case when conv.assigned_to is null then coalesce(pref.notify, 'all') = 'all'
           else conv.assigned_to = member.user_id and coalesce(pref.notify, 'all') <> 'none' end)`;

export interface RecipientDevice {
  id: string;
  userId: string;
  platform: Platform;
  tokenHash: string;
  sealedToken: string;
  appId: string | null;
  badge: number;
}

export interface NotificationPlan {
  workspaceName: string;
  devices: RecipientDevice[];
}

/**
 * The devices to notify of `messageId`, with each owner's badge; undefined when there is nothing
 * to notify of (the message is gone, unsent, not the customer's, or not in that conversation).
 */
export async function planNotification(
  trx: Tx,
  target: { workspaceId: string; conversationId: string; messageId: string },
): Promise<NotificationPlan | undefined> {
  const { rows } = await sql<{
    workspace_name: string;
    device_id: string | null;
    user_id: string | null;
    platform: Platform | null;
    token_hash: string | null;
    token: string | null;
    app_id: string | null;
    badge: string | null;
  }>`
    with conv as (
      select c.id, c.workspace_id, c.assigned_to, w.name as workspace_name
      from public.conversation_messages m
      join public.conversations c on c.id = m.conversation_id and c.workspace_id = m.workspace_id
      join public.workspaces w on w.id = c.workspace_id
      where m.id = ${target.messageId} and m.conversation_id = ${target.conversationId}
        and m.workspace_id = ${target.workspaceId}
        and m.direction = 'INBOUND' and m.unsent_at is null
    ),
    recipients as (
      select member.user_id
      from conv
      join public.workspace_members member on member.workspace_id = conv.workspace_id
      left join public.user_notification_preferences pref
        on pref.workspace_id = member.workspace_id and pref.user_id = member.user_id
      where ${hears}
    ),
    badges as (
      select member.user_id, sum(conv.unread_count) as badge
      from recipients r
      join public.workspace_members member on member.user_id = r.user_id
      left join public.user_notification_preferences pref
        on pref.workspace_id = member.workspace_id and pref.user_id = member.user_id
      join public.conversations conv on conv.workspace_id = member.workspace_id and conv.unread_count > 0
      where ${hears}
      group by member.user_id
    )
    select conv.workspace_name, d.id as device_id, d.user_id, d.platform, d.token_hash, d.token, d.app_id,
           coalesce(b.badge, 0) as badge
    from conv
    left join recipients r on true
    left join public.push_devices d on d.user_id = r.user_id
      and exists (select 1 from auth.sessions s
                  where s.id = d.session_id and s.user_id = d.user_id
                    and (s.not_after is null or s.not_after > now()))
    left join badges b on b.user_id = r.user_id
    order by d.id`.execute(trx);
  const first = rows[0];
  if (!first) return undefined;
  const devices: RecipientDevice[] = [];
  for (const row of rows) {
    if (!row.device_id || !row.user_id || !row.platform || !row.token_hash || !row.token) continue;
    devices.push({
      id: row.device_id,
      userId: row.user_id,
      platform: row.platform,
      tokenHash: row.token_hash,
      sealedToken: row.token,
      appId: row.app_id,
      badge: Number(row.badge ?? 0),
    });
  }
  return { workspaceName: first.workspace_name, devices };
}

/**
 * Which of these workspaces have a member with a registered device: only their new messages are
 * worth a push job (most workspaces use the web app alone, and a job per message is a queue
 * insert, a fetch and a completion for nothing).
 */
export async function workspacesWithDevices(trx: Tx, workspaceIds: readonly string[]): Promise<Set<string>> {
  if (workspaceIds.length === 0) return new Set();
  const { rows } = await sql<{ workspace_id: string }>`
    select m.workspace_id from public.workspace_members m
    where m.workspace_id = any(${[...workspaceIds]}::uuid[])
      and exists (select 1 from public.push_devices d where d.user_id = m.user_id)
    group by m.workspace_id`.execute(trx);
  return new Set(rows.map((row) => row.workspace_id));
}
