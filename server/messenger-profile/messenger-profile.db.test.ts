// Ice breakers and the persistent menu against the Meta simulator, through the tRPC API over
// HTTP: what is published on either login path is what Meta then holds and what the editor reads
// back; bad input is refused before Meta is called and changes nothing; agents read but do not
// publish; Meta's refusal of a token is shown, not thrown; a customer's tap arrives as a postback
// with its label.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetaSimulator } from '#dev/meta/simulator.ts';
import type { Account } from '#dev/meta/world.ts';
import { startSupabaseStandIn } from '#dev/supabase/server.ts';
import { apiRefusal, operatorClient } from '#dev/test/api-stack.ts';
import { connectSimulatorAccount } from '#dev/test/connections.ts';
import { eventually } from '#dev/test/eventually.ts';
import { signUpTeam, type TestTeam } from '#dev/test/operators.ts';
import type { ServedHandler } from '#dev/test/serve-fetch.ts';
import { type SimulatorIntake, startSimulatorIntake } from '#dev/test/simulator-intake.ts';

let intake: SimulatorIntake;
let meta: MetaSimulator;
let api: ServedHandler;
let team: TestTeam;
let n = 0;

beforeAll(async () => {
  intake = await startSimulatorIntake({
    supabase: (db) => startSupabaseStandIn({ databaseUrl: db.superuserUrl }),
  });
  meta = intake.meta;
  api = intake.api;
  team = await signUpTeam(intake.supabase as NonNullable<typeof intake.supabase>, intake.database.db);
});

afterAll(async () => {
  await intake?.stop();
});

const owner = () => operatorClient(api, team.owner);
const agent = () => operatorClient(api, team.agent);

async function connected(
  loginPath: 'instagram' | 'facebook',
): Promise<{ account: Account; accountId: string }> {
  n += 1;
  const account = meta.addAccount({ username: `profile.shop.${n}`, loginPath });
  const accountId = await connectSimulatorAccount(
    intake.database,
    intake.services.cipher,
    team.workspaceId,
    account,
  );
  return { account, accountId };
}

const PROFILE = {
  iceBreakers: [
    {
      locale: 'default',
      items: [
        { question: 'What are your opening hours?', payload: 'HOURS' },
        { question: 'Do you ship abroad?', payload: 'SHIPPING' },
      ],
    },
    { locale: 'pt_BR', items: [{ question: 'Vocês enviam para o Brasil?', payload: 'SHIPPING' }] },
  ],
  persistentMenu: [
    {
      locale: 'default',
      items: [
        { type: 'postback' as const, title: 'Talk to a person', payload: 'HUMAN' },
        { type: 'web_url' as const, title: 'Our shop', url: 'https://shop.example.com/' },
      ],
    },
  ],
};

const profilePosts = () =>
  meta.graphRequests().filter((r) => r.method === 'POST' && r.path.endsWith('/messenger_profile')).length;

describe('ice breakers and the menu', () => {
  it.each(['instagram', 'facebook'] as const)(
    'round-trip on the %s login path: published, held by Meta as Instagram’s, read back the same',
    async (loginPath) => {
      const { account, accountId } = await connected(loginPath);
      expect(
        await owner().settings.messengerProfile.query({ workspaceId: team.workspaceId, accountId }),
      ).toEqual({
        profile: { iceBreakers: [], persistentMenu: [] },
        error: null,
      });
      const saved = await owner().settings.publishMessengerProfile.mutate({
        workspaceId: team.workspaceId,
        accountId,
        profile: PROFILE,
      });
      expect(saved).toEqual(PROFILE);
      // Instagram's profile, not the Page's Messenger one (the simulator keeps them apart as Meta does).
      expect(meta.messengerProfile(account.igId)).toEqual({
        ice_breakers: PROFILE.iceBreakers.map((l) => ({ locale: l.locale, call_to_actions: l.items })),
        persistent_menu: PROFILE.persistentMenu.map((l) => ({ locale: l.locale, call_to_actions: l.items })),
      });
      expect(
        await agent().settings.messengerProfile.query({ workspaceId: team.workspaceId, accountId }),
      ).toEqual({
        profile: PROFILE,
        error: null,
      });

      // Emptying the menu deletes it at Meta; the ice breakers stay.
      const cleared = await owner().settings.publishMessengerProfile.mutate({
        workspaceId: team.workspaceId,
        accountId,
        profile: { ...PROFILE, persistentMenu: [] },
      });
      expect(cleared).toEqual({ ...PROFILE, persistentMenu: [] });
      expect(meta.messengerProfile(account.igId).persistent_menu).toBeUndefined();
    },
  );

  it('refuses what Meta would refuse before calling Meta, changing nothing', async () => {
    const { account, accountId } = await connected('instagram');
    await owner().settings.publishMessengerProfile.mutate({
      workspaceId: team.workspaceId,
      accountId,
      profile: PROFILE,
    });
    const before = profilePosts();
    const question = (i: number) => ({ question: `Question ${i}?`, payload: `Q${i}` });
    const bad = [
      { ...PROFILE, iceBreakers: [{ locale: 'default', items: [1, 2, 3, 4, 5].map(question) }] },
      { ...PROFILE, iceBreakers: [{ locale: 'pt_BR', items: [question(1)] }] },
      {
        ...PROFILE,
        iceBreakers: [
          { locale: 'default', items: [question(1)] },
          { locale: 'default', items: [question(2)] },
        ],
      },
      {
        ...PROFILE,
        iceBreakers: [{ locale: 'default', items: [{ question: 'x'.repeat(81), payload: 'P' }] }],
      },
      { ...PROFILE, iceBreakers: [{ locale: 'Portuguese', items: [question(1)] }] },
      {
        ...PROFILE,
        persistentMenu: [
          {
            locale: 'default',
            items: [{ type: 'web_url' as const, title: 'Shop', url: 'http://shop.example.com/' }],
          },
        ],
      },
      {
        ...PROFILE,
        persistentMenu: [
          {
            locale: 'default',
            items: [{ type: 'web_url' as const, title: 'Run', url: 'javascript:alert(1)' }],
          },
        ],
      },
    ];
    for (const profile of bad) {
      const refusal = await apiRefusal(
        owner().settings.publishMessengerProfile.mutate({
          workspaceId: team.workspaceId,
          accountId,
          profile,
        }),
      );
      expect(refusal.data?.code).toBe('BAD_REQUEST');
    }
    expect(profilePosts()).toBe(before);
    expect(meta.messengerProfile(account.igId).ice_breakers?.[0]?.call_to_actions).toHaveLength(2);
  });

  it('lets agents read but not publish, and outsiders neither; every publish is audited', async () => {
    const { accountId } = await connected('instagram');
    const refused = await apiRefusal(
      agent().settings.publishMessengerProfile.mutate({
        workspaceId: team.workspaceId,
        accountId,
        profile: PROFILE,
      }),
    );
    expect(refused.data?.code).toBe('FORBIDDEN');
    const outsider = operatorClient(api, team.outsider);
    const theirs = await apiRefusal(
      outsider.settings.messengerProfile.query({ workspaceId: team.outsiderWorkspaceId, accountId }),
    );
    expect(theirs.data?.code).toBe('NOT_FOUND');
    await owner().settings.publishMessengerProfile.mutate({
      workspaceId: team.workspaceId,
      accountId,
      profile: PROFILE,
    });
    const { rows } = await intake.database.query(
      `select action, detail from audit_events where workspace_id = $1 and action = 'profile.publish' order by id desc limit 1`,
      [team.workspaceId],
    );
    expect(rows).toEqual([
      { action: 'profile.publish', detail: { iceBreakers: 3, menuItems: 2, locales: 2 } },
    ]);
  });

  it('shows Meta refusing the token instead of failing, and asks for a reconnection', async () => {
    const { account, accountId } = await connected('instagram');
    meta.revokeToken(account.igId);
    const held = await owner().settings.messengerProfile.query({ workspaceId: team.workspaceId, accountId });
    expect(held).toEqual({ profile: null, error: 'Meta rejected the account’s access: reconnect it.' });
    const { rows } = await intake.database.query('select status from channel_connections where id = $1', [
      accountId,
    ]);
    expect(rows).toEqual([{ status: 'NEEDS_REAUTH' }]);
  });

  it("a customer's tap on an ice breaker arrives as a postback carrying the question", async () => {
    const { account, accountId } = await connected('instagram');
    await owner().settings.publishMessengerProfile.mutate({
      workspaceId: team.workspaceId,
      accountId,
      profile: PROFILE,
    });
    const customer = meta.addCustomer({ username: `tapper.${n}` });
    meta.tapIceBreaker({ account: account.igId, customer: customer.igsid, index: 1 });
    const [row] = await eventually(() =>
      intake.database
        .query<{ kind: string; content: string; postback: string; conversation_id: string }>(
          `select kind, content, provider_data->>'postbackPayload' as postback, conversation_id
             from conversation_messages where channel_connection_id = $1`,
          [accountId],
        )
        .then((r) => r.rows.length > 0 && r.rows),
    );
    expect(row).toMatchObject({ kind: 'postback', content: 'Do you ship abroad?', postback: 'SHIPPING' });
    const view = await agent().inbox.conversation.query({
      workspaceId: team.workspaceId,
      conversationId: row?.conversation_id as string,
    });
    // A tap opens the 24-hour window (reference: ice breakers).
    expect(view.window.kind).toBe('standard');
  });
});
