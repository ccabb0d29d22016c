// The HTML of the login dialogs: a consent page listing the app, the scopes it asks for and the
// simulator accounts one can log in as (or a new one), and an error page for requests Meta would
// refuse. Everything shown is escaped; the pages carry no script and load nothing external.
import { escapeHtml } from './chat-page.ts';
import type { SimResponse } from './http.ts';
import type { Account, LoginPath } from './world.ts';

const STYLE = `
  * { box-sizing: border-box; }
  body { margin: 0; min-height: 100vh; display: grid; place-items: center; background: #fafafa;
    font: 15px/1.4 -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, sans-serif; color: #1c1e21; }
  main { width: min(420px, 100vw - 32px); background: #fff; border: 1px solid #dbdbdb; border-radius: 12px; padding: 28px; }
  h1 { font-size: 19px; margin: 0 0 6px; }
  p { margin: 0 0 16px; color: #555; }
  ul.scopes { margin: 0 0 18px; padding-left: 20px; font-size: 13px; }
  fieldset { border: 0; padding: 0; margin: 0 0 18px; display: grid; gap: 6px; }
  legend { font-weight: 600; margin-bottom: 8px; }
  label { display: flex; align-items: center; gap: 8px; padding: 8px 10px; border: 1px solid #efefef; border-radius: 8px; cursor: pointer; }
  label small { color: #737373; }
  input[type=text] { flex: 1; font: inherit; padding: 6px 8px; border: 1px solid #dbdbdb; border-radius: 6px; }
  .buttons { display: flex; gap: 10px; justify-content: flex-end; }
  button { font: inherit; font-weight: 600; border: 0; border-radius: 8px; padding: 9px 18px; cursor: pointer; }
  button[value=allow] { background: #0095f6; color: #fff; }
  button[value=cancel] { background: #efefef; color: #1c1e21; }
  .error { color: #c62828; }
  code { font-size: 13px; }
`;

const BRAND: Record<LoginPath, string> = { instagram: 'Instagram', facebook: 'Facebook' };

/** The value of the radio button that creates an account named in `new_username`. */
export const NEW_ACCOUNT = '__new__';

function page(status: number, title: string, content: string): SimResponse {
  return {
    status,
    headers: {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'",
    },
    body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body><main>${content}</main></body></html>`,
  };
}

export function errorPage(loginPath: LoginPath, message: string): SimResponse {
  return page(
    400,
    `${BRAND[loginPath]} login error`,
    `<h1>Sorry, this page isn't available</h1><p class="error">${escapeHtml(message)}</p><p>The app's login link is wrong; nothing was sent back to it.</p>`,
  );
}

export interface ConsentPageInput {
  loginPath: LoginPath;
  appId: string;
  scopes: string[];
  /** Every authorize parameter, carried through the form as hidden fields. */
  params: URLSearchParams;
  accounts: Account[];
}

function accountChoice(account: Account, loginPath: LoginPath, checked: boolean): string {
  const detail =
    loginPath === 'instagram'
      ? `@${account.username}`
      : `manages the Page “${account.name}” (linked to @${account.username})`;
  return `<label><input type="radio" name="account" value="${escapeHtml(account.igId)}"${checked ? ' checked' : ''}> <span>${escapeHtml(account.name)} <small>${escapeHtml(detail)}</small></span></label>`;
}

export function consentPage(input: ConsentPageInput): SimResponse {
  const { loginPath, accounts } = input;
  const hidden = [...input.params]
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('');
  const who = loginPath === 'instagram' ? 'Instagram professional account' : 'Facebook user';
  return page(
    200,
    `Log in with ${BRAND[loginPath]}`,
    `<h1>Log in with ${BRAND[loginPath]}</h1>
<p>App <code>${escapeHtml(input.appId)}</code> is requesting access to:</p>
<ul class="scopes">${input.scopes.map((scope) => `<li><code>${escapeHtml(scope)}</code></li>`).join('')}</ul>
<form method="post">${hidden}
<fieldset><legend>Continue as ${who}</legend>
${accounts.map((account, index) => accountChoice(account, loginPath, index === 0)).join('\n')}
<label><input type="radio" name="account" value="${NEW_ACCOUNT}"${accounts.length === 0 ? ' checked' : ''}> <span>New account</span> <input type="text" name="new_username" placeholder="username" aria-label="username of the new account"></label>
</fieldset>
<div class="buttons"><button type="submit" name="decision" value="cancel">Cancel</button><button type="submit" name="decision" value="allow">Allow</button></div>
</form>`,
  );
}
