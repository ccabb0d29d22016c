import { describe, expect, it } from 'vitest';
import type { InstagramEvent, Referral } from '../meta/instagram-events.ts';
import { leadOrigin } from './lead-origin.ts';

describe('leadOrigin', () => {
  const referral = (fields: Partial<Referral>): Referral => ({
    ref: null,
    source: null,
    type: null,
    adId: null,
    adTitle: null,
    adPhotoUrl: null,
    adVideoUrl: null,
    adPostId: null,
    productId: null,
    ...fields,
  });
  const from = (r: Referral) => ({ kind: 'referral', referral: r }) as InstagramEvent;

  it('tells a shop product from an ad (even one for a product) and from an ig.me link', () => {
    expect(leadOrigin(from(referral({ productId: '70' })))).toMatchObject({ source: 'PRODUCT' });
    expect(leadOrigin(from(referral({ adId: '12', productId: '70' })))).toMatchObject({
      source: 'AD',
      sourceAdId: '12',
    });
    expect(leadOrigin(from(referral({ ref: 'bio' })))).toMatchObject({
      source: 'REFERRAL',
      sourceRef: 'bio',
    });
  });

  it('tells a comment on an ad (keeping the ad as its referral) from one on a post', () => {
    const comment = (adId: string | null) =>
      ({ kind: 'comment', mediaId: '180', adId, adTitle: adId && 'Linen week' }) as InstagramEvent;
    expect(leadOrigin(comment(null))).toEqual({
      source: 'COMMENT',
      sourceRef: '180',
      sourceAdId: null,
      referral: null,
    });
    expect(leadOrigin(comment('238'))).toMatchObject({
      source: 'AD_COMMENT',
      sourceAdId: '238',
      referral: { adId: '238', adTitle: 'Linen week', adPostId: '180', source: 'ADS' },
    });
  });
});
