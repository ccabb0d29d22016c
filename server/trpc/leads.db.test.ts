// leads.list over real HTTP with bearer tokens, as the web app and mobile clients call it: the
// contact and source of each lead, filters, search, paging without gaps, and tenancy (another
// workspace's leads are invisible through the API and under RLS).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SupabaseStandIn } from '#dev/supabase/server.ts';
import { type ApiStack, apiClient, apiRefusal, operatorClient, startApiStack } from '#dev/test/api-stack.ts';
import type { TestDatabase } from '#dev/test/database.ts';
import { signUpTeam, type TestOperator } from '#dev/test/operators.ts';
import type { ServedHandler } from '#dev/test/serve-fetch.ts';
import { listLeads } from '../leads/index.ts';
import type { Services } from '../services.ts';

let stack: ApiStack;
let database: TestDatabase;
let supabase: SupabaseStandIn;
let services: Services;
let api: ServedHandler;
let owner: TestOperator;
let agent: TestOperator;
let outsider: TestOperator;
let workspaceId: string;
let otherWorkspaceId: string;
let connectionId: string;

const client = (operator: TestOperator) => operatorClient(api, operator);

/** An account of `workspace` with a conversation, a lead and (optionally) a fetched profile per contact. */
async function seedAccount(
  workspace: string,
  igId: string,
  leads: {
    igsid: string;
    source: string;
    ref?: string;
    adId?: string;
    at: string;
    profile?: { name: string | null; username: string | null; pic?: string };
  }[],
): Promise<string> {
  const { rows } = await database.query<{ id: string }>(
    `insert into channel_connections (workspace_id, login_path, channel_identifier, display_name)
     values ($1, 'instagram', $2, $3) returning id`,
    [workspace, igId, `@shop${igId.slice(-3)}`],
  );
  const id = rows[0]?.id as string;
  for (const lead of leads) {
    const conversation = await database.query<{ id: string }>(
      `insert into conversations (workspace_id, channel_connection_id, contact_identifier)
       values ($1, $2, $3) returning id`,
      [workspace, id, lead.igsid],
    );
    await database.query(
      `insert into leads (workspace_id, channel_connection_id, conversation_id, contact_identifier, source, source_ref, source_ad_id, created_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        workspace,
        id,
        conversation.rows[0]?.id,
        lead.igsid,
        lead.source,
        lead.ref ?? null,
        lead.adId ?? null,
        lead.at,
      ],
    );
    await database.query(
      `insert into contacts (workspace_id, channel_connection_id, igsid, name, username, profile_pic)
       values ($1, $2, $3, $4, $5, $6)`,
      [
        workspace,
        id,
        lead.igsid,
        lead.profile?.name ?? null,
        lead.profile?.username ?? null,
        lead.profile?.pic ?? null,
      ],
    );
  }
  return id;
}

beforeAll(async () => {
  stack = await startApiStack();
  ({ database, supabase, services, api } = stack);
  ({
    owner,
    agent,
    outsider,
    workspaceId,
    outsiderWorkspaceId: otherWorkspaceId,
  } = await signUpTeam(supabase, services.db));
  // l2, l3 and l4 share a timestamp: paging must still return each exactly once.
  connectionId = await seedAccount(workspaceId, '17841400000000101', [
    {
      igsid: 'l1',
      source: 'DM',
      at: '2026-11-20T10:00:00.000001Z',
      profile: { name: 'Ada Lovelace', username: 'ada_100%', pic: 'https://cdn.example/ada.jpg' },
    },
    {
      igsid: 'l2',
      source: 'STORY_REPLY',
      at: '2026-11-21T10:00:00.5Z',
      profile: { name: 'Brian Kernighan', username: 'bwk' },
    },
    {
      igsid: 'l3',
      source: 'AD',
      adId: '120210000000001',
      ref: 'spring',
      at: '2026-11-21T10:00:00.5Z',
      profile: { name: null, username: 'carol.shop' },
    },
    { igsid: 'l4', source: 'STORY_MENTION', at: '2026-11-21T10:00:00.5Z' },
    {
      igsid: 'l5',
      source: 'REFERRAL',
      ref: 'bio-link',
      at: '2026-11-22T09:00:00Z',
      profile: { name: 'Edsger Dijkstra', username: 'ewd' },
    },
  ]);
  await seedAccount(otherWorkspaceId, '17841400000000202', [
    {
      igsid: 'x1',
      source: 'DM',
      at: '2026-11-23T09:00:00Z',
      profile: { name: 'Ada Rival', username: 'ada_rival' },
    },
  ]);
});

afterAll(() => stack?.stop());

describe('leads.list', () => {
  it('lists the newest lead first with its contact, source, account and conversation', async () => {
    const page = await client(owner).leads.list.query({ workspaceId, limit: 1 });
    const conversation = await database.query<{ id: string }>(
      "select id from conversations where contact_identifier = 'l5'",
    );
    expect(page.items).toEqual([
      {
        id: expect.any(String),
        conversationId: conversation.rows[0]?.id,
        contactIdentifier: 'l5',
        contactName: 'Edsger Dijkstra',
        contactUsername: 'ewd',
        contactAvatar: null,
        source: 'REFERRAL',
        sourceRef: 'bio-link',
        sourceAdId: null,
        sourceProductId: null,
        ad: null,
        status: 'NEW',
        account: { id: connectionId, name: '@shop101', status: 'CONNECTED' },
        createdAt: '2026-11-22T09:00:00.000Z',
      },
    ]);
    expect(page.nextCursor).toEqual(expect.any(String));
  });

  it('pages through every lead exactly once, newest first, across tied timestamps', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await client(agent).leads.list.query({ workspaceId, limit: 2, cursor });
      seen.push(...page.items.map((lead) => lead.contactIdentifier));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen[0]).toBe('l5');
    expect(seen.at(-1)).toBe('l1');
    expect([...seen].sort()).toEqual(['l1', 'l2', 'l3', 'l4', 'l5']);
  });

  it('filters by source and keeps the ad id and ref', async () => {
    const bySource = async (source: 'DM' | 'STORY_REPLY' | 'STORY_MENTION' | 'AD' | 'REFERRAL') =>
      (await client(owner).leads.list.query({ workspaceId, source })).items;
    expect((await bySource('AD')).map((l) => [l.contactIdentifier, l.sourceAdId, l.sourceRef])).toEqual([
      ['l3', '120210000000001', 'spring'],
    ]);
    expect((await bySource('STORY_REPLY')).map((l) => l.contactIdentifier)).toEqual(['l2']);
    expect((await bySource('STORY_MENTION')).map((l) => l.contactIdentifier)).toEqual(['l4']);
    expect((await bySource('DM')).map((l) => l.contactAvatar)).toEqual(['https://cdn.example/ada.jpg']);
  });

  it('searches contact names and usernames, with or without the @, wildcards taken literally', async () => {
    const search = async (text: string, source?: 'DM' | 'AD') =>
      (await client(owner).leads.list.query({ workspaceId, search: text, source })).items
        .map((lead) => lead.contactIdentifier)
        .sort();
    expect(await search('ada')).toEqual(['l1']); // not the rival workspace's Ada
    expect(await search('KERNIGHAN')).toEqual(['l2']);
    expect(await search('@carol')).toEqual(['l3']);
    expect(await search('100%')).toEqual(['l1']);
    expect(await search('%')).toEqual(['l1']); // a literal percent sign, not a wildcard
    expect(await search('_')).toEqual(['l1']);
    expect(await search('   ')).toEqual(['l1', 'l2', 'l3', 'l4', 'l5']);
    expect(await search('ewd', 'AD')).toEqual([]);
    expect(await search('nobody')).toEqual([]);
  });

  it('shows the lead’s own name when an operator has edited it', async () => {
    await database.query("update leads set name = 'Carol (wholesale)' where contact_identifier = 'l3'");
    const [lead] = (await client(owner).leads.list.query({ workspaceId, search: 'wholesale' })).items;
    expect(lead).toMatchObject({ contactName: 'Carol (wholesale)', contactUsername: 'carol.shop' });
  });

  it("never shows another workspace's leads: 404 through the API, nothing under RLS", async () => {
    const error = await apiRefusal(client(outsider).leads.list.query({ workspaceId }));
    expect(error.data?.code).toBe('NOT_FOUND');
    expect(error.data?.httpStatus).toBe(404);
    // The use case asked directly for a workspace the operator is not in: RLS alone hides it.
    const direct = await listLeads(services.db, outsider.actor, { workspaceId, cursor: null, limit: 50 });
    expect(direct).toEqual({ items: [], nextCursor: null });
    const own = await client(outsider).leads.list.query({ workspaceId: otherWorkspaceId });
    expect(own.items.map((lead) => lead.contactIdentifier)).toEqual(['x1']);
  });

  it('answers 400 for bad input: an unknown source, a cursor it did not issue, an overlong search', async () => {
    const before = await client(owner).leads.list.query({ workspaceId });
    const unknownSource = await apiRefusal(
      client(owner).leads.list.query({ workspaceId, source: 'EMAIL' as unknown as 'DM' }),
    );
    expect(unknownSource.data?.httpStatus).toBe(400);
    const badCursor = await apiRefusal(
      client(owner).leads.list.query({ workspaceId, cursor: 'bm90IGEgY3Vyc29y' }),
    );
    expect(badCursor.data?.httpStatus).toBe(400);
    expect(badCursor.message).toMatch(/cursor/);
    const longSearch = await apiRefusal(
      client(owner).leads.list.query({ workspaceId, search: 'x'.repeat(101) }),
    );
    expect(longSearch.data?.httpStatus).toBe(400);
    const badWorkspace = await apiRefusal(client(owner).leads.list.query({ workspaceId: 'nope' }));
    expect(badWorkspace.data?.httpStatus).toBe(400);
    expect(await client(owner).leads.list.query({ workspaceId })).toEqual(before);
  });

  it('refuses a caller without a session', async () => {
    const error = await apiRefusal(apiClient(api).leads.list.query({ workspaceId }));
    expect(error.data?.httpStatus).toBe(401);
  });
});
