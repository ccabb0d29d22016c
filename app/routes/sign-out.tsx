import { type ActionFunctionArgs, redirect } from '@remix-run/node';
import { supabaseForRequest } from '#app/lib/auth.server.ts';
import { readForm } from '#app/lib/read-form.server.ts';
import { keepingRedirect } from '#app/lib/safe-redirect.ts';

export async function action({ request }: ActionFunctionArgs) {
  const headers = new Headers();
  // "Not you?" on an invitation signs out and lets the right person sign in and come back to it.
  const redirectTo = (await readForm(request)).get('redirectTo');
  await supabaseForRequest(request, headers).auth.signOut();
  throw redirect(keepingRedirect('/sign-in', typeof redirectTo === 'string' ? redirectTo : null), {
    headers,
  });
}

export function loader() {
  return redirect('/');
}
