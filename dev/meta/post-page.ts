// The customer's side of posts: a person plays an Instagram customer who looks at a business
// account's media and comments on them.
//   GET  /post[?account=]                        the account's posts, reels, ads and lives
//   GET  /post/{media-id}[?as=customer]           the picture, caption, comments with their replies,
//                                                 and a form to comment or reply as a chosen customer
//   POST /post/{media-id}/comments                form: customer, text, parentId? → back to the post
//   POST /post/{media-id}/comments/{id}/delete    form: customer → the customer deletes their comment
// A comment goes out as the `comments` (or `live_comments`) webhook, as from the control API;
// deleting one sends nothing, as on Meta. As on Instagram, a hidden comment is shown only to the
// person who wrote it. Plain server-rendered HTML and forms, no script: everything is HTML-escaped
// and a CSP without script-src refuses anything else. Reload the page to see the business's replies.
import { randomBytes } from 'node:crypto';
import { escapeHtml } from './chat-page.ts';
import { parseBody, type Route, type SimRequest, type SimResponse } from './http.ts';
import type { Comment, Media } from './posts.ts';
import type { MetaSimulator } from './simulator.ts';
import type { Account, Customer } from './world.ts';
import { SimulatorInputError } from './world.ts';

const STYLE = `
  * { box-sizing: border-box; }
  body { margin: 0; font: 15px/1.4 -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, sans-serif;
    color: #1c1e21; background: #fafafa; }
  main { max-width: 940px; margin: 0 auto; padding: 20px; }
  h1 { font-size: 20px; margin: 0 0 4px; }
  a { color: #00376b; }
  nav { margin-bottom: 16px; display: flex; gap: 12px; flex-wrap: wrap; font-size: 14px; }
  nav .current { font-weight: 600; }
  .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(200px, 1fr)); gap: 12px; }
  .tile { background: #fff; border: 1px solid #dbdbdb; border-radius: 8px; overflow: hidden; text-decoration: none; color: inherit; }
  .tile img, .post img { width: 100%; display: block; aspect-ratio: 1; object-fit: cover; background: #efefef; }
  .tile .text { padding: 8px 10px; font-size: 14px; }
  .badge { display: inline-block; font-size: 12px; font-weight: 600; padding: 1px 6px; border-radius: 6px; background: #efefef; margin-right: 4px; }
  .badge.ad { background: #fff3cd; }
  .badge.live { background: #ed4956; color: #fff; }
  .post { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 20px; background: #fff;
    border: 1px solid #dbdbdb; border-radius: 8px; padding: 16px; }
  @media (max-width: 700px) { .post { grid-template-columns: 1fr; } }
  .caption { margin: 8px 0 12px; white-space: pre-wrap; }
  ul.comments { list-style: none; margin: 0; padding: 0; }
  ul.comments ul { list-style: none; margin: 6px 0 0 24px; padding: 0; }
  li.comment { margin-bottom: 10px; overflow-wrap: anywhere; }
  .when, .note { font-size: 12px; color: #737373; }
  .comment form { display: inline; }
  .comment button { font-size: 12px; background: none; border: 0; color: #ed4956; cursor: pointer; padding: 0 4px; }
  form.new { display: grid; gap: 8px; border-top: 1px solid #efefef; padding-top: 12px; margin-top: 12px; }
  select, textarea { font: inherit; padding: 8px 10px; border: 1px solid #dbdbdb; border-radius: 8px; background: #fafafa; width: 100%; }
  form.new button { font: inherit; font-weight: 600; border: 0; border-radius: 8px; padding: 8px 14px; cursor: pointer;
    background: #0095f6; color: #fff; justify-self: start; }
  .error { color: #ed4956; }
`;

function html(status: number, title: string, body: string): SimResponse {
  const nonce = randomBytes(16).toString('base64');
  return {
    status,
    headers: {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': `default-src 'none'; style-src 'nonce-${nonce}'; img-src 'self' data:; base-uri 'none'; form-action 'self'`,
      'X-Content-Type-Options': 'nosniff',
    },
    body: `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Meta simulator</title>
<style nonce="${nonce}">${STYLE}</style>
</head>
<body><main>${body}</main></body>
</html>`,
  };
}

const redirect = (location: string): SimResponse => ({ status: 303, headers: { Location: location } });

/** Times as UTC minutes: the simulator clock's, which a test may have moved. */
const when = (epochMs: number) => `${new Date(epochMs).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

function badges(media: Media): string {
  const kinds: Record<Media['productType'], string> = { FEED: 'Post', REELS: 'Reel', LIVE: 'Live' };
  return [
    `<span class="badge${media.productType === 'LIVE' && !media.liveEnded ? ' live' : ''}">${kinds[media.productType]}${media.liveEnded ? ' (ended)' : ''}</span>`,
    media.ad ? `<span class="badge ad">Ad · ${escapeHtml(media.ad.title)}</span>` : '',
  ].join('');
}

const picture = (media: Media) => escapeHtml(media.thumbnailUrl ?? media.mediaUrl);

function findMedia(sim: MetaSimulator, id: string): { media: Media; account: Account } | undefined {
  for (const account of sim.accounts()) {
    const media = sim.media(account.igId).find((item) => item.id === id);
    if (media) return { media, account };
  }
  return undefined;
}

function accountNav(sim: MetaSimulator, current: Account | undefined): string {
  const links = sim
    .accounts()
    .map(
      (account) =>
        `<a href="/post?account=${encodeURIComponent(account.username)}"${account.igId === current?.igId ? ' class="current"' : ''}>@${escapeHtml(account.username)}</a>`,
    );
  return `<nav><a href="/chat">← Chat</a>${links.join('')}</nav>`;
}

function listPage(sim: MetaSimulator, accountRef: string | null): SimResponse {
  const accounts = sim.accounts();
  const account = accountRef
    ? accounts.find((a) => a.igId === accountRef || a.username === accountRef || a.pageId === accountRef)
    : accounts[0];
  if (!account) {
    return html(accountRef ? 404 : 200, 'Posts', `${accountNav(sim, undefined)}<p>No such account yet.</p>`);
  }
  const tiles = sim
    .media(account.igId)
    .map((media) => {
      const count = sim.comments(media.id).filter((c) => !c.deleted && !c.hidden).length;
      return `<a class="tile" href="/post/${encodeURIComponent(media.id)}"><img src="${picture(media)}" alt="">
<div class="text">${badges(media)}<div>${escapeHtml(media.caption)}</div><div class="note">${count} comment${count === 1 ? '' : 's'}</div></div></a>`;
    })
    .join('');
  return html(
    200,
    `@${account.username}`,
    `${accountNav(sim, account)}<h1>${escapeHtml(account.name)} (@${escapeHtml(account.username)})</h1>
<p>What the account has published. Open one to comment as a customer.</p><div class="grid">${tiles || '<p>Nothing published.</p>'}</div>`,
  );
}

/** The comment as `viewer` sees it, with a delete button on their own. */
function commentItem(comment: Comment, media: Media, viewer: Customer | undefined, replies: string): string {
  const own = !comment.byBusiness && comment.from.id === viewer?.igsid;
  const remove = own
    ? `<form method="post" action="/post/${encodeURIComponent(media.id)}/comments/${encodeURIComponent(comment.id)}/delete">
<input type="hidden" name="customer" value="${escapeHtml(viewer?.igsid ?? '')}"><button type="submit">Delete</button></form>`
    : '';
  const hidden = comment.hidden
    ? ' <span class="note">· hidden by the account (only you can see it)</span>'
    : '';
  return `<li class="comment" id="c${escapeHtml(comment.id)}"><b>${escapeHtml(comment.from.username)}</b> ${escapeHtml(comment.text)}
<div><span class="when">${when(comment.timestamp)}</span>${hidden}${remove}</div>${replies}</li>`;
}

function postPage(sim: MetaSimulator, mediaId: string, as: string | null, error?: string): SimResponse {
  const found = findMedia(sim, mediaId);
  if (!found)
    return html(404, 'No such post', `${accountNav(sim, undefined)}<p>No media ${escapeHtml(mediaId)}.</p>`);
  const { media, account } = found;
  const customers = sim.customers();
  const viewer = customers.find((c) => c.igsid === as || c.username === as) ?? customers[0];
  // Instagram shows a hidden comment only to its author, and nothing deleted.
  const visible = (c: Comment) => !c.deleted && (!c.hidden || c.from.id === viewer?.igsid);
  const all = sim.comments(media.id).filter(visible);
  const topLevel = all.filter((c) => c.parentId === null);
  const items = topLevel
    .map((top) => {
      const replies = all
        .filter((c) => c.parentId === top.id)
        .map((reply) => commentItem(reply, media, viewer, ''));
      return commentItem(top, media, viewer, replies.length ? `<ul>${replies.join('')}</ul>` : '');
    })
    .join('');
  const closed = media.productType === 'LIVE' && media.liveEnded;
  const customerOptions = customers
    .map(
      (c) =>
        `<option value="${escapeHtml(c.igsid)}"${c.igsid === viewer?.igsid ? ' selected' : ''}>${escapeHtml(`${c.name ?? c.username} (@${c.username})`)}</option>`,
    )
    .join('');
  const parentOptions = topLevel
    .map(
      (c) =>
        `<option value="${escapeHtml(c.id)}">@${escapeHtml(c.from.username)}: ${escapeHtml(c.text.slice(0, 40))}</option>`,
    )
    .join('');
  const form = closed
    ? '<p class="note">The live broadcast has ended: no more comments.</p>'
    : customers.length === 0
      ? '<p>Add a customer on <a href="/chat">the chat page</a> to comment.</p>'
      : `<form class="new" method="post" action="/post/${encodeURIComponent(media.id)}/comments">
<label>Comment as <select name="customer">${customerOptions}</select></label>
<label>Reply to <select name="parentId"><option value="">(a new comment)</option>${parentOptions}</select></label>
<textarea name="text" rows="2" placeholder="Add a comment…" required></textarea>
<button type="submit">Post</button></form>`;
  const problem = error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : '';
  return html(
    error ? 400 : 200,
    media.caption || 'Post',
    `${accountNav(sim, account)}<div class="post"><div><img src="${picture(media)}" alt=""></div>
<div><div><b>@${escapeHtml(account.username)}</b> ${badges(media)}</div>
<p class="caption">${escapeHtml(media.caption)}</p><div class="note"><a href="${escapeHtml(media.permalink)}">${escapeHtml(media.permalink)}</a> · ${when(media.timestamp)}</div>
<h2>Comments</h2><ul class="comments">${items || '<li class="note">No comments yet.</li>'}</ul>${problem}${form}</div></div>`,
  );
}

function form(request: SimRequest): Record<string, string> {
  const values = parseBody(request);
  return Object.fromEntries(Object.entries(values).map(([key, value]) => [key, String(value)]));
}

export function postPageRoute(sim: MetaSimulator): Route {
  return (request) => {
    const { pathname, searchParams } = request.url;
    if (pathname !== '/post' && !pathname.startsWith('/post/')) return undefined;
    const parts = pathname.split('/').slice(2).map(decodeURIComponent);
    const [mediaId, action, commentId, verb] = parts;
    if (request.method === 'GET' && pathname === '/post') return listPage(sim, searchParams.get('account'));
    if (request.method === 'GET' && parts.length === 1 && mediaId)
      return postPage(sim, mediaId, searchParams.get('as'));
    if (request.method !== 'POST' || !mediaId || action !== 'comments') return undefined;
    const values = form(request);
    const back = `/post/${encodeURIComponent(mediaId)}?as=${encodeURIComponent(values.customer ?? '')}`;
    try {
      const found = findMedia(sim, mediaId);
      if (!found) throw new SimulatorInputError(`no media ${mediaId}`);
      if (parts.length === 2) {
        if (!values.text?.trim()) throw new SimulatorInputError('write something first');
        const { commentId: made } = sim.postComment({
          account: found.account.igId,
          customer: values.customer ?? '',
          mediaId,
          text: values.text,
          ...(values.parentId ? { parentId: values.parentId } : {}),
        });
        return redirect(`${back}#c${made}`);
      }
      if (parts.length === 4 && commentId && verb === 'delete') {
        sim.deleteComment({ customer: values.customer ?? '', comment: commentId });
        return redirect(back);
      }
      return undefined;
    } catch (error) {
      if (!(error instanceof SimulatorInputError)) throw error;
      return postPage(sim, mediaId, values.customer ?? null, error.message);
    }
  };
}
