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
import {
  type AuthFormError,
  authFormError,
  retryAfterHeaders,
  tooManyAttempts,
} from '#app/lib/auth-form-error.server.ts';
import { readForm } from '#app/lib/read-form.server.ts';
import { isInvitationRedirect, keepingRedirect, safeRedirect } from '#app/lib/safe-redirect.ts';
import { services } from '#app/lib/services.server.ts';
import { unavailableAs503 } from '#app/lib/unavailable.server.ts';
import { clientAddressOf } from '#server/http/client-address.ts';

export const meta: MetaFunction = () => [{ title: 'Sign in · Inbox' }];

export const headers = retryAfterHeaders;

export const loader = ({ request }: LoaderFunctionArgs) => redirectIfSignedIn(request);

export const action = unavailableAs503(async ({ request }: ActionFunctionArgs) => {
  const form = await readForm(request);
  const email = String(form.get('email') ?? '').trim();
  const password = String(form.get('password') ?? '');
  const headers = new Headers();
  const refuse = ({ status, message, retryAfter }: AuthFormError) => {
    if (retryAfter) headers.set('Retry-After', retryAfter);
    return data({ error: message, email }, { status, headers });
  };
  const { signInThrottle } = services;
  const attempt = { email, address: clientAddressOf(request) };
  const wait = await signInThrottle.waitBeforeSignIn(attempt);
  if (wait !== null) return refuse(tooManyAttempts('sign-in attempts', wait));
  const { error } = await supabaseForRequest(request, headers).auth.signInWithPassword({ email, password });
  if (error) {
    // Only a wrong password counts: Auth being away, or a malformed email, is not a guess.
    if (error.code === 'invalid_credentials') await signInThrottle.signInFailed(attempt);
    return refuse(authFormError(error, { invalid_credentials: 'Wrong email or password.' }));
  }
  await signInThrottle.signInSucceeded(attempt);
  throw redirect(safeRedirect(form.get('redirectTo')), { headers });
});

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
