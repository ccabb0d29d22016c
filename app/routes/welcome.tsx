import {
  type ActionFunctionArgs,
  data,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from '@remix-run/node';
import { Form, useActionData, useLoaderData, useNavigation } from '@remix-run/react';
import { AuthCard, Field, FormError, SubmitButton } from '#app/components/auth-card.tsx';
import { requireActor } from '#app/lib/auth.server.ts';
import { readForm } from '#app/lib/read-form.server.ts';
import { services } from '#app/lib/services.server.ts';
import { unavailableAs503 } from '#app/lib/unavailable.server.ts';
import { CreateWorkspaceInput, createWorkspace, getOperator } from '#server/team/index.ts';

export const meta: MetaFunction = () => [{ title: 'Create your workspace · Inbox' }];

export const loader = unavailableAs503(async ({ request }: LoaderFunctionArgs) => {
  const headers = new Headers();
  const actor = await requireActor(request, headers);
  const { profile } = await getOperator(services.db, actor);
  return data({ name: profile.displayName ?? profile.email }, { headers });
});

export const action = unavailableAs503(async ({ request }: ActionFunctionArgs) => {
  const headers = new Headers();
  const actor = await requireActor(request, headers);
  const parsed = CreateWorkspaceInput.safeParse({ name: (await readForm(request)).get('name') ?? '' });
  if (!parsed.success) {
    return data({ error: parsed.error.issues[0]?.message ?? 'Invalid name' }, { status: 400, headers });
  }
  const workspace = await createWorkspace(services.db, actor, parsed.data.name);
  throw redirect(`/w/${workspace.id}/inbox`, { headers });
});

export default function Welcome() {
  const { name } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  return (
    <AuthCard
      title={`Welcome, ${name}`}
      subtitle="Create a workspace for your team. You can invite colleagues and connect Instagram accounts next."
      footer={
        <Form method="post" action="/sign-out">
          <button type="submit" className="font-medium text-slate-500 hover:text-slate-700">
            Sign out
          </button>
        </Form>
      }
    >
      <Form method="post" className="space-y-4">
        <FormError message={result?.error} />
        <Field
          label="Workspace name"
          name="name"
          autoComplete="organization"
          hint="Usually your business or brand."
        />
        <SubmitButton pending={navigation.state !== 'idle'}>Create workspace</SubmitButton>
      </Form>
    </AuthCard>
  );
}
