import { type ActionFunctionArgs, redirect } from '@remix-run/node';
import { supabaseForRequest } from '#app/lib/auth.server.ts';

export async function action({ request }: ActionFunctionArgs) {
  const headers = new Headers();
  await supabaseForRequest(request, headers).auth.signOut();
  throw redirect('/sign-in', { headers });
}

export function loader() {
  return redirect('/');
}
