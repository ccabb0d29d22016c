// What a customer can tap that the business set up: an ice breaker, an item of the persistent
// menu, a quick reply, a template's button. A tap on an ice breaker, a menu item's or a button's
// postback is a `postback` event (§4.6 (n): title and payload; it opens the 24-hour window and
// grants profile consent, as scenarios.sendPostback does); a quick reply is a `message` with the
// reply's title as text and `quick_reply.payload` (§4.6 (i)). A `web_url` item or button opens the
// link in the customer's browser and sends Meta nothing, so it answers `{opened: url}`.
//
// As on Instagram: ice breakers are offered only in a conversation that has not started; quick
// replies only on the thread's last message (tapping one, or any later message, dismisses them).
// Instagram shows a quick reply's first 20 characters; the message it sends carries the title as
// the business set it (Meta: "the title of the tapped button is posted").
import type { MessengerProfiles } from './messenger-profile.ts';
import type { Scenarios, SentMessage } from './scenarios.ts';
import type { TemplateButton } from './send-content.ts';
import { findMessage } from './threads.ts';
import { SimulatorInputError, type World } from './world.ts';

export interface TapTarget {
  /** IG_ID, username or Page id. */
  account: string;
  /** IGSID or username. */
  customer: string;
}

/** Which one: by position (0-based) or by payload. */
export interface Choice {
  index?: number;
  payload?: string;
}

export type TapResult = SentMessage | { opened: string };

function choose<T extends object>(items: T[], choice: Choice, what: string): T {
  const found =
    choice.index !== undefined
      ? items[choice.index]
      : choice.payload !== undefined
        ? items.find((item) => 'payload' in item && item.payload === choice.payload)
        : items[0];
  if (!found) throw new SimulatorInputError(`no such ${what}`);
  return found;
}

export function createCustomerTaps(
  world: World,
  scenarios: Pick<Scenarios, 'sendPostback' | 'sendQuickReply'>,
  profiles: Pick<MessengerProfiles, 'customerView'>,
) {
  function conversation(target: TapTarget) {
    const account = world.account(target.account);
    const customer = world.customer(target.customer);
    return { account, customer, thread: world.thread(account, customer) };
  }

  function press(
    target: TapTarget,
    item: TemplateButton | { type: 'postback'; title: string; payload: string },
  ) {
    if (item.type === 'web_url') return { opened: item.url };
    return scenarios.sendPostback({ ...target, title: item.title, payload: item.payload });
  }

  return {
    /** An ice breaker of the account's default locale, in a conversation not yet started. */
    tapIceBreaker(input: TapTarget & Choice): SentMessage {
      const { account, thread } = conversation(input);
      const { iceBreakers } = profiles.customerView(account.igId);
      if (iceBreakers.length === 0) throw new SimulatorInputError(`@${account.username} has no ice breakers`);
      if (thread.messages.length > 0)
        throw new SimulatorInputError('ice breakers show only in a conversation that has not started');
      const chosen = choose(iceBreakers, input, 'ice breaker');
      return scenarios.sendPostback({ ...input, title: chosen.question, payload: chosen.payload });
    },

    /** An item of the account's persistent menu (default locale). */
    tapMenuItem(input: TapTarget & Choice): TapResult {
      const { account } = conversation(input);
      const { persistentMenu } = profiles.customerView(account.igId);
      if (persistentMenu.length === 0)
        throw new SimulatorInputError(`@${account.username} has no persistent menu`);
      return press(input, choose(persistentMenu, input, 'menu item'));
    },

    /** A quick reply of the thread's last message (`mid`, when given, must be that message). */
    tapQuickReply(input: TapTarget & Choice & { mid?: string }): SentMessage {
      const { thread } = conversation(input);
      const last = thread.messages.at(-1);
      if (!last?.quickReplies || (input.mid !== undefined && last.mid !== input.mid))
        throw new SimulatorInputError('no quick replies on offer: only the last message’s can be tapped');
      const chosen = choose(last.quickReplies, input, 'quick reply');
      return scenarios.sendQuickReply({ ...input, text: chosen.title, payload: chosen.payload });
    },

    /** A button of a template the business sent: `element` picks the card of a generic template. */
    tapTemplateButton(input: TapTarget & { mid: string; element?: number; button?: number }): TapResult {
      const { thread } = conversation(input);
      const template = findMessage(thread, input.mid)?.template;
      if (!template) throw new SimulatorInputError(`message ${input.mid} has no template`);
      const buttons =
        template.templateType === 'button'
          ? template.buttons
          : template.elements[input.element ?? 0]?.buttons;
      const button = buttons?.[input.button ?? 0];
      if (!button) throw new SimulatorInputError('no such button');
      // The tap is a message of its own, with a new mid (not the card's).
      return press({ account: input.account, customer: input.customer }, button);
    },
  };
}
