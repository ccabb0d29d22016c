import {
  type ActionFunctionArgs,
  data,
  type LoaderFunctionArgs,
  type MetaFunction,
  redirect,
} from '@remix-run/node';
import { Form, Link, useActionData, useNavigation, useSearchParams } from '@remix-run/react';
import { AuthCard, Field, FormError, SubmitButton } from '#app/components/auth-card.tsx';
import { redirectIfSignedIn, supabaseForRequest } from '#app/lib/auth.server.ts';
import { authFormError } from '#app/lib/auth-form-error.server.ts';
import { isInvitationRedirect, keepingRedirect, safeRedirect } from '#app/lib/safe-redirect.ts';

export const meta: MetaFunction = () => [{ title: 'Sign in · Inbox' }];

export const loader = ({ request }: LoaderFunctionArgs) => redirectIfSignedIn(request);

export async function action({ request }: ActionFunctionArgs) {
  const form = await request.formData();
  const email = String(form.get('email') ?? '').trim();
  const password = String(form.get('password') ?? '');
  const headers = new Headers();
  const { error } = await supabaseForRequest(request, headers).auth.signInWithPassword({ email, password });
  if (error) {
    const { status, message, retryAfter } = authFormError(error, {
      invalid_credentials: 'Wrong email or password.',
    });
    if (retryAfter) headers.set('Retry-After', retryAfter);
    return data({ error: message, email }, { status, headers });
  }
  throw redirect(safeRedirect(form.get('redirectTo')), { headers });
}

export default function SignIn() {
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const [params] = useSearchParams();
  const redirectTo = params.get('redirectTo');
  return (
    <AuthCard
      title="Welcome back"
      subtitle={
        isInvitationRedirect(redirectTo)
          ? 'Sign in, or create an account, to accept your invitation.'
          : 'Sign in to answer your Instagram messages.'
      }
      footer={
        <>
          New here?{' '}
          <Link
            to={keepingRedirect('/sign-up', redirectTo)}
            className="font-semibold text-brand-600 hover:text-brand-700"
          >
            Create an account
          </Link>
        </>
      }
    >
      <Form method="post" className="space-y-4">
        <input type="hidden" name="redirectTo" value={redirectTo ?? '/'} />
        <FormError message={result?.error} />
        <Field label="Email" name="email" type="email" autoComplete="email" defaultValue={result?.email} />
        <Field label="Password" name="password" type="password" autoComplete="current-password" />
        <SubmitButton pending={navigation.state !== 'idle'}>
          {navigation.state === 'idle' ? 'Sign in' : 'Signing in…'}
        </SubmitButton>
      </Form>
    </AuthCard>
  );
}
