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

export const meta: MetaFunction = () => [{ title: 'Create your account · Inbox' }];

export const headers = retryAfterHeaders;

export const loader = ({ request }: LoaderFunctionArgs) => redirectIfSignedIn(request);

export const action = unavailableAs503(async ({ request }: ActionFunctionArgs) => {
  const form = await readForm(request);
  const name = String(form.get('name') ?? '').trim();
  const email = String(form.get('email') ?? '').trim();
  const password = String(form.get('password') ?? '');
  const headers = new Headers();
  const refuse = ({ status, message, retryAfter }: AuthFormError) => {
    if (retryAfter) headers.set('Retry-After', retryAfter);
    return data({ error: message, confirm: false, name, email }, { status, headers });
  };
  // Each sign-up makes an account, and says whether an email has one: both are worth scripting.
  const wait = await services.signInThrottle.waitBeforeSignUp(clientAddressOf(request));
  if (wait !== null) return refuse(tooManyAttempts('sign-ups from your network', wait));
  const { data: result, error } = await supabaseForRequest(request, headers).auth.signUp({
    email,
    password,
    options: { data: { display_name: name } },
  });
  if (error) {
    return refuse(
      authFormError(error, { user_already_exists: 'An account with this email already exists.' }),
    );
  }
  // Projects that require email confirmation return a user without a session.
  if (!result.session) return data({ error: null, confirm: true, name, email }, { headers });
  // A new operator usually creates a workspace next; one who came from a link (an invitation)
  // goes back to it.
  throw redirect(safeRedirect(form.get('redirectTo'), '/welcome'), { headers });
});

export default function SignUp() {
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const [params] = useSearchParams();
  const redirectTo = params.get('redirectTo');
  const signIn = keepingRedirect('/sign-in', redirectTo);
  if (result?.confirm) {
    return (
      <AuthCard
        title="Check your email"
        subtitle={`We sent a confirmation link to ${result.email}.`}
        footer={
          <Link to={signIn} className="font-semibold text-brand-600">
            Back to sign in
          </Link>
        }
      >
        <p className="text-sm text-slate-600">Open the link in that email, then sign in.</p>
      </AuthCard>
    );
  }
  return (
    <AuthCard
      title="Create your account"
      subtitle={
        isInvitationRedirect(redirectTo)
          ? 'Create your account, then join your team’s inbox.'
          : 'Bring your Instagram DMs into one shared inbox.'
      }
      footer={
        <>
          Already have an account?{' '}
          <Link to={signIn} className="font-semibold text-brand-600 hover:text-brand-700">
            Sign in
          </Link>
        </>
      }
    >
      <Form method="post" className="space-y-4">
        <input type="hidden" name="redirectTo" value={redirectTo ?? ''} />
        <FormError message={result?.error} />
        <Field label="Your name" name="name" autoComplete="name" defaultValue={result?.name} />
        <Field
          label="Work email"
          name="email"
          type="email"
          autoComplete="email"
          defaultValue={result?.email}
        />
        <Field
          label="Password"
          name="password"
          type="password"
          autoComplete="new-password"
          hint="At least 6 characters."
        />
        <SubmitButton pending={navigation.state !== 'idle'}>
          {navigation.state === 'idle' ? 'Create account' : 'Creating your account…'}
        </SubmitButton>
      </Form>
    </AuthCard>
  );
}
