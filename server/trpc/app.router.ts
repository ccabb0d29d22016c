import { router } from './init.ts';
import { accountsRouter } from './routers/accounts.router.ts';
import { auditRouter } from './routers/audit.router.ts';
import { commentsRouter } from './routers/comments.router.ts';
import { devicesRouter } from './routers/devices.router.ts';
import { healthRouter } from './routers/health.router.ts';
import { historyRouter } from './routers/history.router.ts';
import { inboxRouter } from './routers/inbox.router.ts';
import { leadsRouter } from './routers/leads.router.ts';
import { liveRouter } from './routers/live.router.ts';
import { messagesRouter } from './routers/messages.router.ts';
import { notificationsRouter } from './routers/notifications.router.ts';
import { operatorRouter } from './routers/operator.router.ts';
import { privacyRouter } from './routers/privacy.router.ts';
import { settingsRouter } from './routers/settings.router.ts';
import { syncRouter } from './routers/sync.router.ts';
import { teamRouter } from './routers/team.router.ts';
import { webhooksRouter } from './routers/webhooks.router.ts';

export const appRouter = router({
  operator: operatorRouter,
  inbox: inboxRouter,
  messages: messagesRouter,
  comments: commentsRouter,
  webhooks: webhooksRouter,
  accounts: accountsRouter,
  leads: leadsRouter,
  settings: settingsRouter,
  live: liveRouter,
  sync: syncRouter,
  health: healthRouter,
  history: historyRouter,
  privacy: privacyRouter,
  audit: auditRouter,
  team: teamRouter,
  devices: devicesRouter,
  notifications: notificationsRouter,
});

export type AppRouter = typeof appRouter;
