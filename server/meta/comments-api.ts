// Graph calls on the business's posts and their comments (reference, "surfaces beyond DMs"):
// the post a comment was made on, a public reply, hiding and deleting. Both login paths address
// a comment or a post by its own id, with the account's token.
import { z } from 'zod';
import type { GraphAccount } from './graph-api.ts';
import type { GraphClient } from './graph-client.ts';
import { webUrl } from './web-url.ts';

const Id = z.union([z.string().min(1), z.number()]).transform(String);

const Media = z.looseObject({
  id: Id,
  caption: z.string().nullish(),
  permalink: z.string().nullish(),
  media_url: z.string().nullish(),
  thumbnail_url: z.string().nullish(),
  media_product_type: z.string().nullish(),
});

export interface MediaDetails {
  mediaId: string;
  caption: string | null;
  /** The post on instagram.com (a web URL, or null). */
  permalink: string | null;
  /** A picture of it: the video's thumbnail, or the image itself (a web URL, or null). */
  thumbnailUrl: string | null;
  productType: string | null;
}

export async function fetchMedia(
  graph: GraphClient,
  account: Pick<GraphAccount, 'loginPath'>,
  token: string,
  mediaId: string,
): Promise<MediaDetails> {
  const media = Media.parse(
    await graph.request<unknown>({
      loginPath: account.loginPath,
      path: encodeURIComponent(mediaId),
      token,
      query: { fields: 'id,caption,permalink,media_url,thumbnail_url,media_product_type' },
    }),
  );
  return {
    mediaId: media.id,
    caption: media.caption ?? null,
    // Meta's links go to the browser: only web URLs are kept (DESIGN §8).
    permalink: webUrl(media.permalink),
    thumbnailUrl: webUrl(media.thumbnail_url) ?? webUrl(media.media_url),
    productType: media.media_product_type ?? null,
  };
}

/** Answers a comment in public, under the post; the reply's comment id. */
export async function replyToComment(
  graph: GraphClient,
  account: Pick<GraphAccount, 'loginPath'>,
  token: string,
  commentId: string,
  text: string,
): Promise<{ commentId: string }> {
  const answer = z.object({ id: Id }).parse(
    await graph.request<unknown>({
      loginPath: account.loginPath,
      method: 'POST',
      path: `${encodeURIComponent(commentId)}/replies`,
      token,
      body: { message: text },
    }),
  );
  return { commentId: answer.id };
}

/** Hides a comment from the post (its author still sees it), or shows it again. */
export async function setCommentHidden(
  graph: GraphClient,
  account: Pick<GraphAccount, 'loginPath'>,
  token: string,
  commentId: string,
  hidden: boolean,
): Promise<void> {
  await graph.request({
    loginPath: account.loginPath,
    method: 'POST',
    path: encodeURIComponent(commentId),
    token,
    query: { hide: String(hidden) },
  });
}

/** Deletes a comment from the business's post. */
export async function deleteComment(
  graph: GraphClient,
  account: Pick<GraphAccount, 'loginPath'>,
  token: string,
  commentId: string,
): Promise<void> {
  await graph.request({
    loginPath: account.loginPath,
    method: 'DELETE',
    path: encodeURIComponent(commentId),
    token,
  });
}
