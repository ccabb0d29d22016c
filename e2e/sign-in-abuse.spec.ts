// Sign-in as an attacker drives it, over HTTP against the production server (issue 13): password
// guessing is stopped after ten wrong passwords with 429 and Retry-After (forty were all answered);
// a body that is not a form is a 400 on every auth form (it was a 500); and an access token no
// longer works on the REST send endpoint once its session has signed out.
import { randomBytes } from 'node:crypto';
import { supabaseClient } from '#dev/supabase/client.ts';
import { arrivingAs, expect, test } from './fixtures.ts';

const supabase = () =>
  supabaseClient({
    url: process.env.E2E_SUPABASE_URL as string,
    anonKey: process.env.E2E_SUPABASE_ANON_KEY as string,
  });

async function newAccount() {
  const email = `guessed-${randomBytes(4).toString('hex')}@example.test`;
  const password = `pw-${randomBytes(8).toString('hex')}`;
  const { data, error } = await supabase().auth.signUp({ email, password });
  if (error || !data.session) throw new Error(`sign-up failed: ${error?.message}`);
  return { email, password, session: data.session };
}

test('ten wrong passwords lock the account for a while, the right one included', async ({
  request,
  baseURL,
}) => {
  const { email, password } = await newAccount();
  const signIn = (pw: string) =>
    request.post('/sign-in', {
      form: { email, password: pw },
      headers: { Origin: baseURL as string },
      maxRedirects: 0,
    });

  const answers: number[] = [];
  for (let i = 0; i < 10; i++) answers.push((await signIn(`wrong-${i}`)).status());
  expect(answers).toEqual(Array(10).fill(400));

  const locked = await signIn(password);
  expect(locked.status()).toBe(429);
  expect(Number(locked.headers()['retry-after'])).toBeGreaterThan(800);
  expect(await locked.text()).toContain('Too many sign-in attempts. Try again in 15 minutes.');
  // Another account from the same address still signs in.
  const other = await newAccount();
  const welcome = await request.post('/sign-in', {
    form: { email: other.email, password: other.password },
    headers: { Origin: baseURL as string },
    maxRedirects: 0,
  });
  expect(welcome.status()).toBe(302);
});

test('fifty wrong passwords from one address stop its sign-ins, and no one else’s', async ({ request }) => {
  const signIn = (email: string, client: string) =>
    request.post('/sign-in', {
      form: { email, password: 'guess' },
      headers: arrivingAs(client),
      maxRedirects: 0,
    });
  const answers: number[] = [];
  // A guesser spreading over many accounts, each tried once.
  for (let i = 0; i < 50; i++) answers.push((await signIn(`target-${i}@example.test`, 'guesser')).status());
  expect(answers).toEqual(Array(50).fill(400));
  expect((await signIn('target-50@example.test', 'guesser')).status()).toBe(429);
  // Someone at another address is told only that the password is wrong.
  expect((await signIn('target-50@example.test', 'colleague elsewhere')).status()).toBe(400);
});

test('every auth form answers 400, and changes nothing, for a body that is not a form', async ({
  request,
  baseURL,
}) => {
  const bodies: { headers: Record<string, string>; data?: string }[] = [
    { headers: {} },
    { headers: { 'Content-Type': 'application/json' }, data: '{"email":"a@example.test"}' },
    { headers: { 'Content-Type': 'text/plain' }, data: 'email=a@example.test' },
  ];
  const answers: string[] = [];
  for (const route of ['/sign-in', '/sign-up', '/sign-out']) {
    for (const { headers, data } of bodies) {
      const response = await request.post(route, {
        headers: { Origin: baseURL as string, ...headers },
        data,
        maxRedirects: 0,
      });
      answers.push(`${route} ${headers['Content-Type'] ?? 'no body'} → ${response.status()}`);
      expect(response.headers()['set-cookie'] ?? '').not.toContain('auth-token');
    }
  }
  expect(answers).toEqual(answers.map((answer) => answer.replace(/\d+$/, '400')));
});

test('the REST send endpoint refuses a token whose session has signed out', async ({ request }) => {
  const { session } = await newAccount();
  const send = () =>
    request.post('/api/instagram/messages/send', {
      headers: { Authorization: `Bearer ${session.access_token}` },
      data: { recipientId: '5830000000000999', message: 'Hello' },
    });
  expect((await send()).status()).not.toBe(401); // signed in: refused for other reasons (no account)

  const { error } = await supabase().auth.admin.signOut(session.access_token);
  expect(error).toBeNull();

  const refused = await send();
  expect(refused.status()).toBe(401);
});
