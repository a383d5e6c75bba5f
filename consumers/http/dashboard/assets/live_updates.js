// Live updates: an EventSource on one of the server's event streams (the session cookie
// authenticates it; EventSource resumes with Last-Event-ID by itself after a drop). Events are
// gathered for a moment and then `onChange` runs once, so a burst of events costs one refresh.
//
// The server names each message by its event type ("event: invoice_issued"), and EventSource
// delivers a named message only to listeners of that name, so the stream listens to every name
// the server lists at /api/event-types.

import { getJson } from './api.js';

const settleMs = 250;
let eventTypes = null;

export class LiveUpdates {
  constructor(indicator) {
    this.indicator = indicator;
    this.source = null;
    this.timer = null;
    this.followed = 0;  // bumped by stop(), so by each follow(): an older follow() gives way
    this.show('off', 'offline');
  }

  // Follows `url`, closing the stream followed before; `onChange(entries)` after each burst.
  async follow(url, onChange) {
    this.stop();
    const call = this.followed;
    eventTypes ??= (await getJson('/api/event-types')).names;
    if (call !== this.followed) return;  // the page moved on while the names were read
    let pending = [];
    const source = new EventSource(url, { withCredentials: true });
    this.source = source;
    source.onopen = () => this.show('on', 'live');
    source.onerror = () => this.show('retrying', 'reconnecting…');
    const onEvent = (message) => {
      pending.push(JSON.parse(message.data));
      clearTimeout(this.timer);
      this.timer = setTimeout(() => {
        const entries = pending;
        pending = [];
        onChange(entries);
      }, settleMs);
    };
    for (const name of eventTypes) source.addEventListener(name, onEvent);
  }

  stop() {
    this.followed += 1;
    clearTimeout(this.timer);
    if (this.source) this.source.close();
    this.source = null;
    this.show('off', 'offline');
  }

  show(state, text) {
    this.indicator.dataset.state = state;
    this.indicator.textContent = text;
  }
}
