// The stand-in for React Native's XMLHttpRequest behaves as React Native's does where the mobile
// client depends on it: a streamed response shows in `responseText` chunk by chunk, each with a
// `readystatechange` at LOADING; failures and aborts end it in React Native's order.
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { eventually } from './eventually.ts';
import { ReactNativeXMLHttpRequest } from './react-native-xhr.ts';
import { type ServedHandler, serveNode } from './serve-fetch.ts';

let server: ServedHandler;
/** The response of each request, by path, for the test to write to. */
const responses = new Map<string, ServerResponse>();
const requestHeaders = new Map<string, Record<string, unknown>>();

beforeAll(async () => {
  server = await serveNode((req, res) => {
    requestHeaders.set(req.url ?? '', req.headers);
    responses.set(req.url ?? '', res);
    res.writeHead(req.url === '/missing' ? 404 : 200, { 'Content-Type': 'text/event-stream' });
    res.flushHeaders();
  });
});

afterAll(() => server?.close());

/** A request to `path` recording each readystatechange as [readyState, status, responseText]. */
function request(path: string, headers: Record<string, string> = {}) {
  const xhr = new ReactNativeXMLHttpRequest();
  const changes: [number, number, string][] = [];
  const events: string[] = [];
  xhr.open('GET', `${server.url}${path}`, true);
  for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
  xhr.onreadystatechange = () => {
    changes.push([xhr.readyState, xhr.status, xhr.responseText]);
    events.push(`readystatechange ${xhr.readyState}`);
  };
  xhr.onload = () => events.push('load');
  xhr.onerror = () => events.push('error');
  xhr.onabort = () => events.push('abort');
  xhr.onloadend = () => events.push('loadend');
  xhr.send();
  return { xhr, changes, events };
}

it('shows a streamed response chunk by chunk, each with readystatechange at LOADING', async () => {
  const { xhr, changes, events } = request('/stream', { Authorization: 'Bearer t', 'X-Requested-With': 'x' });
  await eventually(() => responses.get('/stream'));
  const res = responses.get('/stream') as ServerResponse;
  expect(requestHeaders.get('/stream')).toMatchObject({ authorization: 'Bearer t', 'x-requested-with': 'x' });
  await eventually(() => xhr.readyState === xhr.HEADERS_RECEIVED);
  expect(xhr.status).toBe(200);
  expect(xhr.responseText).toBe('');

  res.write('data: 1\n\n');
  await eventually(() => xhr.responseText === 'data: 1\n\n');
  expect(xhr.readyState).toBe(xhr.LOADING);
  // "é" split across two chunks: the first shows what comes before it, the second the whole character.
  const accented = Buffer.from('data: é\n\n');
  res.write(accented.subarray(0, 7));
  await eventually(() => xhr.responseText.endsWith('data: '));
  res.write(accented.subarray(7));
  await eventually(() => xhr.responseText.endsWith('é\n\n'));
  res.end('data: 3\n\n');
  await eventually(() => xhr.readyState === xhr.DONE);

  expect(changes).toEqual([
    [2, 200, ''],
    [3, 200, 'data: 1\n\n'],
    [3, 200, 'data: 1\n\ndata: '],
    [3, 200, 'data: 1\n\ndata: é\n\n'],
    [3, 200, 'data: 1\n\ndata: é\n\ndata: 3\n\n'],
    [4, 200, 'data: 1\n\ndata: é\n\ndata: 3\n\n'],
  ]);
  expect(events.slice(-2)).toEqual(['load', 'loadend']);
});

it('reports an error status as a response, not a failure', async () => {
  const { xhr, events } = request('/missing');
  await eventually(() => responses.get('/missing'));
  responses.get('/missing')?.end('not here');
  await eventually(() => xhr.readyState === xhr.DONE);
  expect([xhr.status, xhr.responseText]).toEqual([404, 'not here']);
  expect(events.slice(-2)).toEqual(['load', 'loadend']);
});

it('on a connection cut mid-response: DONE with the status kept and the error as responseText, then error', async () => {
  const { xhr, events } = request('/cut');
  await eventually(() => responses.get('/cut'));
  responses.get('/cut')?.write('data: 1\n\n');
  await eventually(() => xhr.responseText !== '');
  responses.get('/cut')?.socket?.resetAndDestroy();
  await eventually(() => events.includes('loadend'));
  expect(xhr.status).toBe(200);
  expect(xhr.responseText).not.toContain('data: 1');
  expect(events.slice(-4)).toEqual(['readystatechange 3', 'readystatechange 4', 'error', 'loadend']);
});

it('when nothing answers: DONE with status 0, then error', async () => {
  const closed = await serveNode(() => {});
  const url = closed.url;
  await closed.close();
  const xhr = new ReactNativeXMLHttpRequest();
  const events: string[] = [];
  xhr.open('GET', `${url}/`);
  xhr.onreadystatechange = () => events.push(`readystatechange ${xhr.readyState} ${xhr.status}`);
  xhr.onerror = () => events.push('error');
  xhr.send();
  await eventually(() => events.includes('error'));
  expect(events).toEqual(['readystatechange 4 0', 'error']);
});

it('on abort: everything reset, DONE, then abort; nothing of the request after', async () => {
  const { xhr, events } = request('/aborted');
  await eventually(() => responses.get('/aborted'));
  responses.get('/aborted')?.write('data: 1\n\n');
  await eventually(() => xhr.responseText !== '');
  xhr.abort();
  expect([xhr.readyState, xhr.status, xhr.responseText]).toEqual([0, 0, '']);
  expect(events.slice(-4)).toEqual(['readystatechange 3', 'readystatechange 4', 'abort', 'loadend']);
  const after = events.length;
  responses.get('/aborted')?.end('data: 2\n\n');
  // A later request's whole round trip: the aborted one has reported nothing meanwhile.
  const next = request('/next');
  await eventually(() => responses.get('/next'));
  responses.get('/next')?.end('x');
  await eventually(() => next.xhr.readyState === next.xhr.DONE);
  expect(events).toHaveLength(after);
});

it('refuses headers outside open() and send(), and a second open', () => {
  const xhr = new ReactNativeXMLHttpRequest();
  expect(() => xhr.setRequestHeader('a', 'b')).toThrow('Request has not been opened');
  xhr.open('GET', `${server.url}/unused`);
  expect(() => xhr.open('GET', `${server.url}/unused`)).toThrow('Cannot open, already sending');
  expect(() => new ReactNativeXMLHttpRequest().open('GET', `${server.url}/`, false)).toThrow(
    'Synchronous http requests are not supported',
  );
});
