import { router } from './init.ts';
import { inboxRouter } from './routers/inbox.router.ts';
import { operatorRouter } from './routers/operator.router.ts';

export const appRouter = router({
  operator: operatorRouter,
  inbox: inboxRouter,
});

export type AppRouter = typeof appRouter;
