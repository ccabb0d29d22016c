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
});
