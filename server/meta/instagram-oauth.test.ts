import { describe, expect, it } from 'vitest';
import {
  cleanAuthorizationCode,
  type InstagramOAuthConfig,
  instagramAuthorizeUrl,
  OAuthExchangeError,
  parseCodeExchange,
} from './instagram-oauth.ts';

const config: InstagramOAuthConfig = {
  oauthUrl: 'http://127.0.0.1:4000/www.instagram.com',
  apiUrl: 'https://api.instagram.com',
  graphUrl: 'https://graph.instagram.com',
  appId: '990000000000001',
  appSecret: 'secret',
};

describe('instagramAuthorizeUrl', () => {
  it('asks for the messaging and comment scopes with our app, redirect and state, keeping a base path', () => {
    const url = new URL(
      instagramAuthorizeUrl(config, 'https://crm.example/api/instagram/oauth/callback', 'st4te'),
    );
    expect(url.origin + url.pathname).toBe('http://127.0.0.1:4000/www.instagram.com/oauth/authorize');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: '990000000000001',
      redirect_uri: 'https://crm.example/api/instagram/oauth/callback',
      response_type: 'code',
      scope: 'instagram_business_basic,instagram_business_manage_messages,instagram_business_manage_comments',
      state: 'st4te',
    });
  });
});

describe('parseCodeExchange', () => {
  it('reads the flat shape and keeps a user_id above 2^53 exact', () => {
    const raw =
      '{"access_token":"IGAAshort","user_id":27640875392278831,"permissions":["instagram_business_basic"]}';
    expect(JSON.parse(raw).user_id).toBe(27640875392278830); // what a JS number would have stored
    expect(parseCodeExchange(raw)).toEqual({
      accessToken: 'IGAAshort',
      userId: '27640875392278831',
      permissions: ['instagram_business_basic'],
    });
  });

  it('reads the documented data-wrapped shape with a string user_id and CSV permissions', () => {
    const raw =
      '{"data":[{"access_token":"IGAAshort","user_id":"27640875392278831","permissions":"instagram_business_basic,instagram_business_manage_messages"}]}';
    expect(parseCodeExchange(raw)).toEqual({
      accessToken: 'IGAAshort',
      userId: '27640875392278831',
      permissions: ['instagram_business_basic', 'instagram_business_manage_messages'],
    });
  });

  it('refuses an answer without a token or user id', () => {
    expect(() => parseCodeExchange('{"user_id":1}')).toThrow(OAuthExchangeError);
    expect(() => parseCodeExchange('{"access_token":"x"}')).toThrow(OAuthExchangeError);
    expect(() => parseCodeExchange('<html>')).toThrow(OAuthExchangeError);
  });
});

it('strips the #_ Meta appends to the code', () => {
  expect(cleanAuthorizationCode('AQBx123#_')).toBe('AQBx123');
  expect(cleanAuthorizationCode('AQBx123')).toBe('AQBx123');
});
