// The browser's Realtime transport. Phoenix's socket inside @supabase/realtime-js closes its
// connection on `pagehide`, and Chromium reports a WebSocket closed while still connecting as a
// console warning ("WebSocket is closed before the connection is established"), though all that
// happened is an operator leaving a page before Realtime had connected. This WebSocket puts such
// a close off until the connection opens, then closes it before the code that opened it hears of
// the opening; one that never opens goes with its page.
//
// Self-contained on purpose: the browser journey that proves it runs this very function's source
// in Chromium against a server that holds the handshake.
// biome-ignore lint/suspicious/noExplicitAny: a mixin's constructor takes any arguments
type WebSocketClass = new (...args: any[]) => WebSocket;

export function closingOnceOpen<Base extends WebSocketClass>(Base: Base): Base {
  return class extends Base {
    // biome-ignore lint/suspicious/noExplicitAny: as the base's
    constructor(...args: any[]) {
      super(...args);
      /** The arguments of a close asked for while connecting. */
      let closeWhenOpen: [code?: number, reason?: string] | null = null;
      const close = this.close.bind(this);
      this.close = (code?: number, reason?: string) => {
        if (this.readyState === this.CONNECTING) closeWhenOpen = [code, reason];
        else close(code, reason);
      };
      // Added before the opener sets `onopen`, so it runs first and can keep the opening from it.
      this.addEventListener('open', (event) => {
        if (!closeWhenOpen) return;
        event.stopImmediatePropagation();
        close(...closeWhenOpen);
      });
    }
  };
}
