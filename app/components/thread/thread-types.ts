import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '#server/trpc/app.router.ts';

export type ConversationPage = inferRouterOutputs<AppRouter>['inbox']['conversation'];
export type ThreadMessage = ConversationPage['messages'][number];
export type ThreadAttachment = ThreadMessage['attachments'][number];
/** One card of a generic template the business sent. */
export type TemplateCard = NonNullable<ThreadAttachment['elements']>[number];
/** The ad, shop product or ig.me link a message came from. */
export type ThreadReferral = NonNullable<ThreadMessage['referral']>;
