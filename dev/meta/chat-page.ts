// GET /chat: a page where a person plays an Instagram customer. Pick a business account and a
// customer (or create one), type, and the message goes out as that customer's DM webhook; the
// thread polls the control API each second, so the business's replies appear as they are sent,
// as the customer's Instagram shows them: pictures (those on the simulator's CDN), files, generic
// template cards and button templates with their buttons, quick replies under the last message,
// private replies with the comment they answer, the ice breakers of a conversation not yet
// started, and the persistent menu (☰). Tapping a postback, ice breaker, menu item or quick reply
// sends it through the control API's tap events; web_url buttons and items are plain links.
// Server-rendered text is HTML-escaped and the script only ever sets textContent (and href/src
// only to http(s) URLs); a nonce-based CSP refuses anything else.
import { randomBytes } from 'node:crypto';
import type { Route, SimResponse } from './http.ts';
import type { MetaSimulator } from './simulator.ts';

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
export const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => ESCAPES[char] as string);

const STYLE = `
  * { box-sizing: border-box; }
  body { margin: 0; font: 15px/1.4 -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, sans-serif;
    color: #1c1e21; background: #fafafa; height: 100vh; display: flex; }
  aside { width: 300px; border-right: 1px solid #dbdbdb; background: #fff; display: flex; flex-direction: column; }
  aside header { padding: 18px 16px 10px; }
  h1 { font-size: 17px; margin: 0 0 12px; }
  label { display: block; font-size: 12px; color: #737373; margin-bottom: 4px; }
  select, input { width: 100%; font: inherit; padding: 8px 10px; border: 1px solid #dbdbdb; border-radius: 8px; background: #fafafa; }
  #customers { list-style: none; margin: 0; padding: 0 8px; overflow-y: auto; flex: 1; }
  #customers li { display: flex; align-items: center; gap: 10px; padding: 8px; border-radius: 10px; cursor: pointer; }
  #customers li:hover { background: #f2f2f2; }
  #customers li[aria-selected="true"] { background: #efefef; }
  .avatar { width: 40px; height: 40px; border-radius: 50%; flex: none; display: grid; place-items: center;
    color: #fff; font-weight: 600; background: linear-gradient(45deg, #f9ce34, #ee2a7b, #6228d7); }
  .who { min-width: 0; }
  .who b, .who span { display: block; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
  .who span { font-size: 13px; color: #737373; }
  #new-customer { padding: 12px 16px 16px; border-top: 1px solid #efefef; display: grid; gap: 8px; }
  button { font: inherit; font-weight: 600; border: 0; border-radius: 8px; padding: 8px 14px; cursor: pointer;
    background: #0095f6; color: #fff; }
  button:disabled { opacity: .4; cursor: default; }
  main { flex: 1; display: flex; flex-direction: column; min-width: 0; }
  main > header { padding: 14px 20px; border-bottom: 1px solid #dbdbdb; background: #fff; display: flex; align-items: center; gap: 12px; }
  #messages { flex: 1; overflow-y: auto; padding: 20px; display: flex; flex-direction: column; gap: 4px; }
  .row { display: flex; flex-direction: column; align-items: flex-start; max-width: 70%; }
  .row.mine { align-self: flex-end; align-items: flex-end; }
  .bubble { padding: 8px 14px; border-radius: 20px; background: #efefef; white-space: pre-wrap; overflow-wrap: anywhere; position: relative; }
  .mine .bubble { background: #3797f0; color: #fff; }
  .bubble.gone { background: none; border: 1px solid #dbdbdb; color: #737373; font-style: italic; }
  .context { font-size: 12px; color: #737373; margin: 8px 6px 2px; }
  .chip { display: inline-block; margin-top: 4px; padding: 2px 8px; border-radius: 10px; background: rgba(0,0,0,.08); font-size: 13px; }
  .mine .chip { background: rgba(255,255,255,.25); }
  .meta { font-size: 11px; color: #8e8e8e; margin: 2px 8px 6px; }
  .reaction { margin-top: -8px; padding: 0 4px; background: #fff; border-radius: 10px; box-shadow: 0 0 0 2px #fafafa; font-size: 13px; }
  #empty { margin: auto; color: #737373; text-align: center; }
  form#composer { display: flex; gap: 8px; padding: 14px 20px; border-top: 1px solid #dbdbdb; background: #fff; }
  form#composer input { border-radius: 22px; padding: 10px 16px; }
  #photo { background: #efefef; color: #1c1e21; border-radius: 22px; }
  #error { color: #ed4956; font-size: 13px; min-height: 1em; padding: 0 20px; }
  .photo { display: block; max-width: 220px; max-height: 220px; border-radius: 14px; margin-top: 4px; }
  a.chip, a.link { color: inherit; }
  .cards { display: flex; gap: 8px; overflow-x: auto; max-width: 100%; padding: 2px 0; }
  .card { flex: none; width: 220px; border: 1px solid #dbdbdb; border-radius: 14px; background: #fff; overflow: hidden; }
  .card .photo { max-width: 100%; width: 100%; margin: 0; border-radius: 0; }
  .card .body { padding: 8px 12px; }
  .card .sub { font-size: 13px; color: #737373; }
  .card .actions, .buttons { display: flex; flex-direction: column; border-top: 1px solid #efefef; }
  .card .actions > *, .buttons > * { background: none; color: #0095f6; border-radius: 0; padding: 8px; text-align: center;
    text-decoration: none; font-weight: 600; border-top: 1px solid #efefef; }
  .card .actions > :first-child, .buttons > :first-child { border-top: 0; }
  .buttons { margin-top: 6px; border: 1px solid #dbdbdb; border-radius: 14px; background: #fff; }
  #offers { display: flex; flex-wrap: wrap; gap: 6px; justify-content: flex-end; padding: 0 20px 8px; }
  #offers:empty { display: none; }
  #offers button { background: #fff; color: #0095f6; border: 1px solid #0095f6; border-radius: 18px; }
  #offers.breakers { flex-direction: column; align-items: center; }
  #menu { border-top: 1px solid #dbdbdb; background: #fff; padding: 8px 20px; display: grid; gap: 4px; }
  #menu[hidden] { display: none; }
  #menu > * { text-align: left; background: none; color: #1c1e21; padding: 8px 0; text-decoration: none; font-weight: 400; }
  #menu-toggle { background: #efefef; color: #1c1e21; border-radius: 22px; }
  nav { padding: 0 16px 8px; font-size: 13px; }
`;

const SCRIPT = `
  const $ = (selector) => document.querySelector(selector);
  const state = { account: $('#account').value, customer: null, customers: [], shown: '' };
  const params = new URLSearchParams(location.search);
  if (params.get('account')) state.account = params.get('account');
  state.customer = params.get('customer');

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function initials(name) {
    const letters = (name || '').split(/\\s+/).map((part) => part.match(/\\p{L}/u)?.[0]).filter(Boolean);
    return (letters.join('').slice(0, 2) || '?').toUpperCase();
  }
  async function call(method, path, body) {
    const response = await fetch('/control' + path, {
      method, headers: { 'Content-Type': 'application/json' }, body: body && JSON.stringify(body),
    });
    const json = await response.json();
    if (!response.ok) throw new Error(json.error || response.statusText);
    return json;
  }
  function showError(error) { $('#error').textContent = error ? String(error.message || error) : ''; }
  function webUrl(url) {
    try { return ['http:', 'https:'].includes(new URL(url).protocol); } catch { return false; }
  }
  function link(url, className, text) {
    const anchor = el('a', className, text);
    if (webUrl(url)) { anchor.href = url; anchor.target = '_blank'; anchor.rel = 'noopener noreferrer'; }
    return anchor;
  }
  /** Pictures on the simulator's own CDN; anything else would break the CSP (and the sandbox has no internet). */
  function photo(url) {
    if (!url || !url.startsWith(location.origin + '/')) return null;
    const image = el('img', 'photo');
    image.src = url;
    image.alt = '';
    // A picture that loads after the thread was scrolled to its end keeps it at the end.
    image.addEventListener('load', () => { if (state.stick) $('#messages').scrollTop = $('#messages').scrollHeight; });
    return image;
  }
  function button(text, onClick) {
    const node = el('button', '', text);
    node.type = 'button';
    node.addEventListener('click', onClick);
    return node;
  }
  /** A template button as the customer sees it: a link, or a postback sent by tapping. */
  function templateButton(item, mid, element, index) {
    if (item.type === 'web_url') return link(item.url, '', item.title);
    return button(item.title, () => tap('tap-button', { mid, element, button: index }));
  }
  function templateView(message) {
    const template = message.template;
    if (template.templateType === 'button') {
      const box = el('div', 'bubble', template.text);
      const buttons = el('div', 'buttons');
      buttons.append(...template.buttons.map((item, index) => templateButton(item, message.mid, 0, index)));
      box.append(buttons);
      return box;
    }
    const cards = el('div', 'cards');
    cards.append(...template.elements.map((card, element) => {
      const box = el('div', 'card');
      const picture = photo(card.image_url);
      if (picture) box.append(picture);
      const body = el('div', 'body');
      const title = card.default_action ? link(card.default_action.url, 'link', card.title) : el('b', '', card.title);
      body.append(title);
      if (card.subtitle) body.append(el('div', 'sub', card.subtitle));
      box.append(body);
      if (card.buttons && card.buttons.length) {
        const actions = el('div', 'actions');
        actions.append(...card.buttons.map((item, index) => templateButton(item, message.mid, element, index)));
        box.append(actions);
      }
      return box;
    }));
    return cards;
  }
  function fileName(url) {
    try { return decodeURIComponent(new URL(url).pathname.split('/').pop()) || 'file'; } catch { return 'file'; }
  }
  /** Quick replies under the last message, or the ice breakers of a conversation not yet started. */
  function renderOffers(thread) {
    const offers = $('#offers');
    offers.className = '';
    const last = thread.messages[thread.messages.length - 1];
    if (thread.messages.length === 0 && thread.iceBreakers.length > 0) {
      offers.className = 'breakers';
      offers.replaceChildren(...thread.iceBreakers.map((item, index) =>
        button(item.question, () => tap('tap-ice-breaker', { index }))));
    } else if (last && last.from === 'business' && last.quickReplies) {
      // Instagram shows a quick reply's first 20 characters.
      offers.replaceChildren(...last.quickReplies.map((item, index) =>
        button(item.title.slice(0, 20), () => tap('tap-quick-reply', { mid: last.mid, index }))));
    } else offers.replaceChildren();
    const menu = $('#menu');
    menu.replaceChildren(...thread.persistentMenu.map((item, index) => item.type === 'web_url'
      ? link(item.url, '', item.title)
      : button(item.title, () => { menu.hidden = true; tap('tap-menu-item', { index }); })));
    $('#menu-toggle').hidden = thread.persistentMenu.length === 0;
    if (thread.persistentMenu.length === 0) menu.hidden = true;
  }

  async function refreshLists() {
    const [accounts, customers] = await Promise.all([call('GET', '/accounts'), call('GET', '/customers')]);
    const select = $('#account');
    const current = state.account;
    select.replaceChildren(...accounts.map((account) => {
      const option = el('option', '', account.name + ' (@' + account.username + ')');
      option.value = account.igId;
      return option;
    }));
    const chosen = accounts.find((a) => a.igId === current || a.username === current) || accounts[0];
    state.account = chosen ? chosen.igId : null;
    if (chosen) select.value = chosen.igId;
    state.customers = customers;
    const match = customers.find((c) => c.igsid === state.customer || c.username === state.customer);
    state.customer = match ? match.igsid : (customers[0] && customers[0].igsid) || null;
    renderCustomers();
  }
  function renderCustomers() {
    $('#customers').replaceChildren(...state.customers.map((customer) => {
      const item = el('li');
      item.setAttribute('aria-selected', String(customer.igsid === state.customer));
      item.append(el('div', 'avatar', initials(customer.name || customer.username)));
      const who = el('div', 'who');
      who.append(el('b', '', customer.name || customer.username), el('span', '', '@' + customer.username));
      item.append(who);
      item.addEventListener('click', () => { state.customer = customer.igsid; state.shown = ''; renderCustomers(); poll(); });
      return item;
    }));
    const customer = state.customers.find((c) => c.igsid === state.customer);
    $('#peer').textContent = customer ? (customer.name || customer.username) : 'No customer yet';
    $('#peer-avatar').textContent = customer ? initials(customer.name || customer.username) : '?';
    const ready = Boolean(state.account && state.customer);
    for (const control of document.querySelectorAll('#composer input, #composer button')) control.disabled = !ready;
  }

  const LABELS = { image: '📷 Photo', video: '🎬 Video', audio: '🎤 Voice message', file: '📄 File', share: '🔗 Shared post',
    ig_post: '🖼 Shared post', ig_reel: '🎞 Reel', story_mention: '📣 Mentioned you in their story', ephemeral: '⏱ View-once media',
    ig_story: '✨ Shared story', like_heart: '❤️', sticker: '🏷 Sticker', template: '🗂 Cards' };
  function bubbleOf(message) {
    const bubble = el('div', 'bubble', message.unsupported ? 'Unsupported message' : (message.text ?? ''));
    for (const attachment of message.attachments) {
      const picture = (attachment.type === 'image' || attachment.type === 'sticker') && photo(attachment.url);
      if (picture) { bubble.append(picture); continue; }
      const label = (LABELS[attachment.type] || attachment.type) + (attachment.title ? ' · ' + attachment.title : '');
      bubble.append(attachment.type === 'file' && attachment.url
        ? link(attachment.url, 'chip', label + ' · ' + fileName(attachment.url))
        : el('div', 'chip', label));
    }
    if (message.quickReplyPayload) bubble.append(el('div', 'chip', 'quick reply · ' + message.quickReplyPayload));
    if (message.postbackPayload) bubble.append(el('div', 'chip', 'button · ' + message.postbackPayload));
    if (message.referral) bubble.append(el('div', 'chip', message.referral.product
      ? 'about product ' + message.referral.product.id
      : 'from ad ' + (message.referral.ad_id || '')));
    return bubble;
  }
  function renderThread(thread) {
    const list = $('#messages');
    const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
    renderOffers(thread);
    if (thread.messages.length === 0) {
      const prompt = thread.iceBreakers.length > 0 ? 'Tap a question below, or say hi as ' : 'No messages yet. Say hi as ';
      list.replaceChildren(el('p', '', prompt + (thread.customer.name || thread.customer.username) + '.'));
      list.firstChild.id = 'empty';
      return;
    }
    list.replaceChildren(...thread.messages.map((message) => {
      const row = el('div', message.from === 'customer' ? 'row mine' : 'row');
      row.title = new Date(message.timestamp).toLocaleString();
      if (message.replyTo && message.replyTo.story) row.append(el('div', 'context', 'Replied to their story'));
      if (message.replyTo && message.replyTo.mid) {
        const quoted = thread.messages.find((m) => m.mid === message.replyTo.mid);
        row.append(el('div', 'context', 'Replying to: ' + (quoted && quoted.text ? quoted.text : 'a message')));
      }
      if (message.commentReply) {
        const context = el('div', 'context', 'Replied privately to your comment “' + message.commentReply.commentText + '” · ');
        context.append(link(location.origin + '/post/' + encodeURIComponent(message.commentReply.mediaId), 'link', 'View post'));
        row.append(context);
      }
      if (message.deleted) {
        row.append(el('div', 'bubble gone', 'Message unsent'));
        return row;
      }
      if (message.template) {
        if (message.text) row.append(el('div', 'bubble', message.text));
        row.append(templateView(message));
      } else row.append(bubbleOf(message));
      if (message.customerReaction) row.append(el('div', 'reaction', message.customerReaction.emoji));
      const notes = [];
      if (message.edits > 0) notes.push('Edited');
      if (message.mid === thread.seenMid) notes.push('Seen');
      if (notes.length) row.append(el('div', 'meta', notes.join(' · ')));
      return row;
    }));
    state.stick = atBottom || state.justSent;
    if (state.stick) list.scrollTop = list.scrollHeight;
    state.justSent = false;
  }

  async function poll() {
    if (!state.account || !state.customer) return;
    try {
      const thread = await call('GET', '/thread?account=' + encodeURIComponent(state.account) + '&customer=' + encodeURIComponent(state.customer));
      const snapshot = JSON.stringify(thread);
      if (snapshot !== state.shown) { state.shown = snapshot; renderThread(thread); }
      showError(null);
    } catch (error) { showError(error); }
  }

  async function send(kind, body) {
    try {
      await call('POST', '/events/' + kind, { account: state.account, customer: state.customer, ...body });
      state.justSent = true;
      await poll();
    } catch (error) { showError(error); }
  }
  /** A tap on something the business set up (ice breaker, menu item, quick reply, template button). */
  const tap = send;

  $('#composer').addEventListener('submit', (event) => {
    event.preventDefault();
    const input = $('#text');
    if (!input.value.trim()) return;
    const text = input.value;
    input.value = '';
    send('text', { text });
  });
  $('#photo').addEventListener('click', () => send('attachments', { attachments: [{ type: 'image' }] }));
  $('#menu-toggle').addEventListener('click', () => { $('#menu').hidden = !$('#menu').hidden; });
  $('#account').addEventListener('change', (event) => { state.account = event.target.value; state.shown = ''; poll(); });
  $('#new-customer').addEventListener('submit', async (event) => {
    event.preventDefault();
    const name = $('#new-name').value.trim();
    const username = $('#new-username').value.trim();
    try {
      const customer = await call('POST', '/customers', { ...(name ? { name } : {}), ...(username ? { username } : {}) });
      state.customer = customer.igsid;
      state.shown = '';
      event.target.reset();
      await refreshLists();
      await poll();
    } catch (error) { showError(error); }
  });

  refreshLists().then(poll).catch(showError);
  setInterval(poll, 1000);
  setInterval(() => refreshLists().catch(showError), 5000);
`;

function page(sim: MetaSimulator, nonce: string): string {
  const accounts = sim.accounts();
  const options = accounts
    .map(
      (account) =>
        `<option value="${escapeHtml(account.igId)}">${escapeHtml(`${account.name} (@${account.username})`)}</option>`,
    )
    .join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Instagram customer · Meta simulator</title>
<style nonce="${nonce}">${STYLE}</style>
</head>
<body>
<aside>
  <header>
    <h1>Chat as a customer</h1>
    <label for="account">Business account</label>
    <select id="account">${options || '<option value="">No accounts yet</option>'}</select>
  </header>
  <ul id="customers" aria-label="Customers"></ul>
  <nav><a href="/post">Posts and comments →</a></nav>
  <form id="new-customer">
    <label for="new-name">New customer</label>
    <input id="new-name" placeholder="Name (optional)" autocomplete="off">
    <input id="new-username" placeholder="username (optional)" autocomplete="off">
    <button type="submit">Add customer</button>
  </form>
</aside>
<main>
  <header><div class="avatar" id="peer-avatar">?</div><b id="peer">Pick a customer</b></header>
  <div id="messages"><p id="empty">Pick an account and a customer to start.</p></div>
  <div id="offers"></div>
  <div id="error" role="alert"></div>
  <div id="menu" hidden></div>
  <form id="composer">
    <button type="button" id="menu-toggle" title="Menu" hidden>☰</button>
    <button type="button" id="photo" title="Send a photo" disabled>📷</button>
    <input id="text" placeholder="Message…" autocomplete="off" disabled>
    <button type="submit" disabled>Send</button>
  </form>
</main>
<script nonce="${nonce}">${SCRIPT}</script>
</body>
</html>`;
}

export function chatPageRoute(sim: MetaSimulator): Route {
  return (request): SimResponse | undefined => {
    if (request.method === 'GET' && request.url.pathname === '/') {
      return { status: 302, headers: { Location: '/chat' } };
    }
    if (request.method === 'GET' && request.url.pathname === '/favicon.ico') return { status: 204 };
    if (request.method !== 'GET' || request.url.pathname !== '/chat') return undefined;
    const nonce = randomBytes(16).toString('base64');
    return {
      status: 200,
      headers: {
        'Content-Type': 'text/html; charset=utf-8',
        'Content-Security-Policy': `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'`,
        'X-Content-Type-Options': 'nosniff',
      },
      body: page(sim, nonce),
    };
  };
}
