import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SupabaseStandIn, startSupabaseStandIn } from '#dev/supabase/server.ts';
import { createTestDatabase, type TestDatabase } from '#dev/test/database.ts';
import { signUpOperator, type TestOperator } from '#dev/test/operators.ts';
import { createWorkspace } from '../team/index.ts';
import { consumeOAuthState, issueOAuthState, STATE_LIFETIME_MS } from './oauth-states.ts';

let database: TestDatabase;
let supabase: SupabaseStandIn;
let alice: TestOperator;
let mallory: TestOperator;
let workspaceId: string;

beforeAll(async () => {
  database = await createTestDatabase();
  supabase = await startSupabaseStandIn({ databaseUrl: database.superuserUrl });
  [alice, mallory] = await Promise.all([
    signUpOperator(supabase, 'alice'),
    signUpOperator(supabase, 'mallory'),
  ]);
  workspaceId = (await createWorkspace(database.db, alice.actor, 'Shop')).id;
});

afterAll(async () => {
  await supabase?.stop();
  await database?.drop();
});

describe('OAuth state', () => {
  it('is random, stored only as a hash, and gives back its workspace and login path once', async () => {
    const state = await issueOAuthState(database.db, alice.actor, workspaceId, 'instagram');
    expect(state).toMatch(/^[\w-]{43}$/);
    const stored = await database.query('select state_hash from oauth_states');
    expect(JSON.stringify(stored.rows)).not.toContain(state);
    expect(await consumeOAuthState(database.db, alice.actor, state)).toEqual({
      workspaceId,
      loginPath: 'instagram',
      returnScreen: 'inbox',
    });
  });

  it('remembers the screen the operator started from', async () => {
    const state = await issueOAuthState(database.db, alice.actor, workspaceId, 'facebook', 'accounts');
    expect(await consumeOAuthState(database.db, alice.actor, state)).toMatchObject({
      returnScreen: 'accounts',
    });
  });

  it('cannot be replayed', async () => {
    const state = await issueOAuthState(database.db, alice.actor, workspaceId, 'facebook');
    await consumeOAuthState(database.db, alice.actor, state);
    await expect(consumeOAuthState(database.db, alice.actor, state)).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringMatching(/already used/),
    });
  });

  it('cannot be completed by another operator, and stays usable by its owner', async () => {
    const state = await issueOAuthState(database.db, alice.actor, workspaceId, 'instagram');
    await expect(consumeOAuthState(database.db, mallory.actor, state)).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await expect(consumeOAuthState(database.db, alice.actor, state)).resolves.toMatchObject({ workspaceId });
  });

  it('expires', async () => {
    const issued = new Date('2026-11-25T10:00:00Z');
    const state = await issueOAuthState(database.db, alice.actor, workspaceId, 'instagram', 'inbox', issued);
    const later = new Date(issued.getTime() + STATE_LIFETIME_MS + 1);
    await expect(consumeOAuthState(database.db, alice.actor, state, later)).rejects.toMatchObject({
      message: expect.stringMatching(/expired/),
    });
  });

  it('refuses a state it never issued', async () => {
    await expect(consumeOAuthState(database.db, alice.actor, 'forged-state')).rejects.toMatchObject({
      code: 'BAD_INPUT',
    });
  });

  it('is consumed exactly once when two callbacks race', async () => {
    const state = await issueOAuthState(database.db, alice.actor, workspaceId, 'instagram');
    const results = await Promise.allSettled([
      consumeOAuthState(database.db, alice.actor, state),
      consumeOAuthState(database.db, alice.actor, state),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
  });
});
