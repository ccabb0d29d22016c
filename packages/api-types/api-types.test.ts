// The types package is all a TypeScript client needs: built into a throwaway project outside the
// repository that has nothing but @trpc/client, @trpc/server and zod, a client calling the API
// compiles, its mistakes do not (each `@ts-expect-error` must meet an error), and what comes back
// is typed to the field: were anything to decay to `any`, the IsAny checks and the expected errors
// would fail the compilation.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { writeApiTypesPackage } from '../../dev/api/api-types.ts';
import { currentReference } from '../../dev/api/reference-files.ts';
import { ROOT } from '../../dev/api/router-types.ts';

const run = promisify(execFile);

let project: string;
let declarations: string;

const CLIENT = `
import { createTRPCClient, httpBatchLink, httpSubscriptionLink, splitLink, TRPCClientError } from '@trpc/client';
import type { AppRouter, ErrorReason, RouterInputs, RouterOutputs } from '@direct-inbox/api-types';

type IsAny<T> = 0 extends 1 & T ? true : false;
type Equal<A, B> = (<G>() => G extends A ? 1 : 2) extends <G>() => G extends B ? 1 : 2 ? true : false;
function assert<T extends true>(_: T[] = []): void {}

const url = 'http://127.0.0.1:3000/api/trpc';
const token = async () => 'access-token';
const client = createTRPCClient<AppRouter>({
  links: [
    splitLink({
      condition: (op) => op.type === 'subscription',
      true: httpSubscriptionLink({ url }),
      false: httpBatchLink({ url, headers: async () => ({ Authorization: \`Bearer \${await token()}\` }) }),
    }),
  ],
});

export async function inbox(workspaceId: string, conversationId: string) {
  const me = await client.operator.me.query();
  assert<IsAny<typeof me> extends false ? true : false>();
  const email: string = me.profile.email;
  // @ts-expect-error an email is a string
  const wrongEmail: number = me.profile.email;
  const role: 'owner' | 'admin' | 'agent' | undefined = me.workspaces[0]?.role;

  const page = await client.inbox.listConversations.query({ workspaceId, limit: 20, status: 'ACTIVE' });
  assert<IsAny<(typeof page.items)[number]> extends false ? true : false>();
  assert<Equal<typeof page.nextCursor, string | null>>();
  const unread: number = page.items[0]?.unreadCount ?? 0;
  // @ts-expect-error workspaceId is required
  await client.inbox.listConversations.query({ limit: 20 });
  // @ts-expect-error limit is a number
  await client.inbox.listConversations.query({ workspaceId, limit: '20' });
  // @ts-expect-error there is no such status
  await client.inbox.listConversations.query({ workspaceId, status: 'DELETED' });

  const thread = await client.inbox.conversation.query({ workspaceId, conversationId });
  if (thread.window.kind === 'closed') {
    const why: string = thread.window.reason;
  } else {
    const closesAt: string = thread.window.closesAt;
  }

  const sent = await client.messages.send.mutate({
    workspaceId,
    conversationId,
    idempotencyKey: 'reply-0001',
    text: 'Hello!',
  });
  assert<Equal<(typeof sent)[number]['status'], 'QUEUED' | 'SENDING' | 'SENT' | 'FAILED' | 'UNCERTAIN'>>();
  // @ts-expect-error idempotencyKey is required
  await client.messages.send.mutate({ workspaceId, conversationId, text: 'Hello!' });
  // @ts-expect-error a mutation is not a query
  await client.messages.send.query({ workspaceId, conversationId, idempotencyKey: 'reply-0002' });
  // @ts-expect-error there is no such procedure
  await client.inbox.archiveEverything.mutate({ workspaceId });

  const marked: RouterOutputs['inbox']['markRead'] = await client.inbox.markRead.mutate({ workspaceId, conversationId });
  assert<Equal<typeof marked, { seenSent: boolean }>>();
  const input: RouterInputs['team']['invite'] = { workspaceId, role: 'agent' };
  // @ts-expect-error an invitation cannot make an owner
  const ownerInvite: RouterInputs['team']['invite'] = { workspaceId, role: 'owner' };

  const subscription = client.live.events.subscribe(
    { workspaceId, lastEventId: null },
    {
      onData(event) {
        assert<IsAny<typeof event> extends false ? true : false>();
        const id: string = event.id;
        if (event.data.type === 'messageCreated') {
          const messageId: string = event.data.messageId;
        }
        // @ts-expect-error no event has this type
        if (event.data.type === 'somethingElse') return;
        // @ts-expect-error a resync names no message
        const nope = event.data.type === 'resyncRequired' && event.data.messageId;
      },
      onError(error) {
        const reason: ErrorReason | undefined = error.data?.reason;
      },
    },
  );
  subscription.unsubscribe();

  try {
    await client.operator.me.query();
  } catch (error) {
    if (error instanceof TRPCClientError) {
      const refused = error as TRPCClientError<AppRouter>;
      assert<Equal<NonNullable<typeof refused.data>['reason'], ErrorReason>>();
      if (refused.data?.reason === 'token_expired') await token();
      // @ts-expect-error not a reason the API gives
      if (refused.data?.reason === 'token_too_old') await token();
      const issues = refused.data?.issues?.map((issue) => issue.path.join('.'));
    }
  }
  return { email, role, unread, input, wrongEmail, ownerInvite };
}
`;

beforeAll(async () => {
  project = await mkdtemp(path.join(tmpdir(), 'api-types-client-'));
  const modules = path.join(project, 'node_modules');
  await mkdir(path.join(modules, '@trpc'), { recursive: true });
  // The client's only dependencies, as its own package manager would install them.
  for (const name of ['@trpc/client', '@trpc/server', 'zod']) {
    await symlink(path.join(ROOT, 'node_modules', name), path.join(modules, name), 'dir');
  }
  declarations = await writeApiTypesPackage(
    currentReference(),
    path.join(modules, '@direct-inbox/api-types'),
  );
  await writeFile(
    path.join(project, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        lib: ['ES2022', 'DOM'],
        module: 'ESNext',
        moduleResolution: 'Bundler',
        strict: true,
        noEmit: true,
        types: [],
        // Resolve everything in the project, as if installed there: nothing from the repository.
        preserveSymlinks: true,
        // As React Native and Expo projects do: @trpc/server's own declarations name Node's modules.
        skipLibCheck: true,
      },
      // The declarations once more as a source file, which skipLibCheck does not skip: a name
      // they use without declaring it would otherwise quietly be `any`.
      files: ['client.ts', 'declarations.ts'],
    }),
  );
  await writeFile(path.join(project, 'client.ts'), CLIENT);
  await writeFile(path.join(project, 'declarations.ts'), await readFile(declarations, 'utf8'));
}, 120_000);

afterAll(async () => {
  if (project) await rm(project, { recursive: true, force: true });
});

async function typecheck(): Promise<string> {
  const tsc = path.join(ROOT, 'node_modules/typescript/bin/tsc');
  try {
    await run(process.execPath, [tsc, '-p', project, '--pretty', 'false'], { cwd: project });
    return '';
  } catch (error) {
    return (error as { stdout?: string }).stdout || String(error);
  }
}

it('declares the API with @trpc/server’s types only: no server module, database or crypto library', async () => {
  const text = await readFile(declarations, 'utf8');
  const imports = [...text.matchAll(/(?:from|import\()\s*['"]([^'"]+)['"]/g)].map((match) => match[1]);
  expect(new Set(imports)).toEqual(new Set(['@trpc/server']));
  expect(text).not.toMatch(/kysely|jose|\bpg\b|server\/|Services|Database/);
  const manifest = JSON.parse(
    await readFile(path.join(path.dirname(declarations), '../package.json'), 'utf8'),
  );
  expect(manifest).toMatchObject({ name: '@direct-inbox/api-types', types: './dist/index.d.ts' });
  expect(manifest.version).toMatch(/^\d+\.\d+\.\d+$/);
  expect(Object.keys(manifest.dependencies ?? {})).toEqual([]);
});

it('compiles a client that uses it right, and refuses each misuse', async () => {
  expect(await typecheck()).toBe('');
}, 90_000);
