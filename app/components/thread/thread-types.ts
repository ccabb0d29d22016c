import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '#server/trpc/app.router.ts';

export type ConversationPage = inferRouterOutputs<AppRouter>['inbox']['conversation'];
export type ThreadMessage = ConversationPage['messages'][number];
