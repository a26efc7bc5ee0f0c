// A channel of typed events addressed by key (a learner's session, a workshop). Publishers send
// to one key or to every key; subscribers follow one key. Closing the channel tells every
// subscriber that nothing more will come (the server stopping), so an open event stream ends
// instead of keeping the HTTP server from closing.
import type { Logger } from '../log.js';

export interface Subscription<E> {
  /** Each event published to the key (or to every key). */
  event(event: E): void;
  /** The channel closed: no more events. */
  closed?(): void;
}

export class KeyedChannel<E> {
  private readonly byKey = new Map<string, Set<Subscription<E>>>();

  constructor(
    /** What the channel carries, for the log when a subscriber throws. */
    private readonly name: string,
    private readonly log: Logger,
  ) {}

  /** Follows one key; returns the function that stops following. */
  subscribe(key: string, subscription: Subscription<E>): () => void {
    let set = this.byKey.get(key);
    if (!set) this.byKey.set(key, (set = new Set()));
    set.add(subscription);
    return () => {
      set.delete(subscription);
      if (set.size === 0 && this.byKey.get(key) === set) this.byKey.delete(key);
    };
  }

  publish(key: string, event: E): void {
    for (const subscription of [...(this.byKey.get(key) ?? [])]) this.deliver(subscription, event);
  }

  /** Sends the event to the subscribers of every key. */
  broadcast(event: E): void {
    for (const set of [...this.byKey.values()]) for (const subscription of [...set]) this.deliver(subscription, event);
  }

  /** Whether anyone follows any key (work that only feeds subscribers can be skipped). */
  hasSubscribers(): boolean {
    return this.byKey.size > 0;
  }

  /** Ends every subscription. */
  close(): void {
    const all = [...this.byKey.values()].flatMap((set) => [...set]);
    this.byKey.clear();
    for (const subscription of all) {
      try {
        subscription.closed?.();
      } catch (err) {
        this.log.warn({ err, channel: this.name }, 'a subscriber failed on close');
      }
    }
  }

  /** One subscriber failing never keeps the event from the others. */
  private deliver(subscription: Subscription<E>, event: E): void {
    try {
      subscription.event(event);
    } catch (err) {
      this.log.warn({ err, channel: this.name }, 'a subscriber failed');
    }
  }
}
