// The Meta simulator: a stand-in for Meta's servers over real HTTP, for `npm start`, tests and
// benchmarks. One server on 127.0.0.1 answers the Graph API under /graph.instagram.com/ and
// /graph.facebook.com/, a control API under /control/ and the customer chat page at /chat, and a
// delivery engine POSTs signed webhooks to the app. All state is in memory.
import type { MetaAppCredentials } from './app-credentials.ts';
import { chatPageRoute } from './chat-page.ts';
import { controlRoute } from './control-api.ts';
import { createFaultInjector, type Fault, type FaultSpec } from './faults.ts';
import { createGraphRoute, type GraphEndpoint, type GraphRequestRecord } from './graph-api.ts';
import { nodeEndpoints } from './graph-nodes.ts';
import { subscriptionEndpoints } from './graph-subscriptions.ts';
import { type Route, startHttpServer } from './http.ts';
import { createScenarios, type Scenarios } from './scenarios.ts';
import type { ThreadMessage } from './threads.ts';
import { createWebhookDelivery, type DeliveryOptions, type DeliveryRecord } from './webhook-delivery.ts';
import { type Account, type Customer, createWorld, type NewAccount, type NewCustomer } from './world.ts';

export interface MetaSimulatorOptions {
  app: MetaAppCredentials;
  /** Where webhooks go; can be set later with setWebhookUrl. */
  webhookUrl?: string;
  /** Defaults to a free port. */
  port?: number;
  delivery?: Partial<DeliveryOptions>;
}

export interface ThreadView {
  account: Pick<Account, 'igId' | 'username' | 'name'>;
  customer: Customer;
  /** mid of the last business message the customer has seen. */
  seenMid: string | null;
  messages: ThreadMessage[];
}

export interface MetaSimulator extends Scenarios {
  /** Base URL, e.g. http://127.0.0.1:PORT */
  readonly url: string;
  /** `${url}/graph.instagram.com`: use in place of https://graph.instagram.com */
  readonly instagramGraphUrl: string;
  /** `${url}/graph.facebook.com`: use in place of https://graph.facebook.com */
  readonly facebookGraphUrl: string;
  readonly app: MetaAppCredentials;
  webhookUrl(): string | undefined;
  setWebhookUrl(url: string | undefined): void;
  addAccount(input: NewAccount): Account;
  addCustomer(input?: NewCustomer): Customer;
  accounts(): Account[];
  customers(): Customer[];
  /** The conversation as the customer sees it. */
  thread(account: string, customer: string): ThreadView;
  /** Invalidates the account's token: every Graph call with it answers 190. */
  revokeToken(account: string): void;
  setFault(spec: FaultSpec): Fault;
  /** Removes one fault, or all of them. */
  clearFaults(id?: string): void;
  faults(): Fault[];
  /** Every Graph API call received, in order. */
  graphRequests(): GraphRequestRecord[];
  /** Every webhook POST: body, attempts, last status, state. */
  deliveries(): DeliveryRecord[];
  deliveryOptions(): DeliveryOptions;
  setDelivery(options: Partial<DeliveryOptions>): void;
  /** Resolves when nothing is waiting to be delivered or retried. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

/** The Graph endpoints served on both hosts; OAuth and the Send API add theirs here. */
const GRAPH_ENDPOINTS: readonly GraphEndpoint[] = [...subscriptionEndpoints, ...nodeEndpoints];

export async function startMetaSimulator(options: MetaSimulatorOptions): Promise<MetaSimulator> {
  const { app } = options;
  const world = createWorld();
  const faults = createFaultInjector((ref) => world.findAccount(ref)?.igId);
  const delivery = createWebhookDelivery({
    secrets: { instagram: app.instagramAppSecret, facebook: app.metaAppSecret },
    webhookUrl: options.webhookUrl,
    options: options.delivery,
  });
  const graphLog: GraphRequestRecord[] = [];
  let routes: Route[] = [];
  const server = await startHttpServer(options.port ?? 0, () => routes);

  const simulator: MetaSimulator = {
    ...createScenarios(world, delivery),
    url: server.url,
    instagramGraphUrl: `${server.url}/graph.instagram.com`,
    facebookGraphUrl: `${server.url}/graph.facebook.com`,
    app,
    webhookUrl: delivery.webhookUrl,
    setWebhookUrl: delivery.setWebhookUrl,
    addAccount: (input) => structuredClone(world.addAccount(input)),
    addCustomer: (input) => structuredClone(world.addCustomer(input)),
    accounts: () => structuredClone(world.accounts()),
    customers: () => structuredClone(world.customers()),
    thread(accountRef, customerRef) {
      const account = world.account(accountRef);
      const customer = world.customer(customerRef);
      const thread = world.thread(account, customer);
      return structuredClone({
        account: { igId: account.igId, username: account.username, name: account.name },
        customer,
        seenMid: thread.seenMid,
        messages: thread.messages,
      });
    },
    revokeToken: (account) => world.revokeToken(world.account(account)),
    setFault: (spec) => faults.add(spec),
    clearFaults: (id) => faults.clear(id),
    faults: () => faults.list(),
    graphRequests: () => graphLog.map((record) => ({ ...record })),
    deliveries: delivery.records,
    deliveryOptions: delivery.options,
    setDelivery: delivery.setOptions,
    idle: delivery.idle,
    async stop() {
      delivery.stop();
      await server.close();
    },
  };

  routes = [
    createGraphRoute({ world, faults, endpoints: GRAPH_ENDPOINTS, log: graphLog }),
    controlRoute(simulator),
    chatPageRoute(simulator),
  ];
  return simulator;
}
