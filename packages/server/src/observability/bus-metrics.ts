import type { Bus } from '../ports/bus.js';
import type { Metrics } from './metrics.js';

/** The bus as the node uses it, counting what goes out and comes in and reconnects; parley_bus_connected reads its state. */
export function instrumentBus(bus: Bus, metrics: Metrics): Bus {
  metrics.watchBus(() => bus.status().connected);
  bus.onGap(() => metrics.busReconnects.inc());
  // The labelled children resolved once per kind, not per message (the label lookup hashes).
  const outOf = byKind((kind) => metrics.busOutByTopic.labels(kind));
  const inOf = byKind((kind) => metrics.busInByTopic.labels(kind));
  return {
    publish(topic, message) {
      metrics.busOut.inc();
      outOf(topic).inc();
      bus.publish(topic, message);
    },
    subscribe: (topic) => bus.subscribe(topic),
    unsubscribe: (topic) => bus.unsubscribe(topic),
    onMessage(handler) {
      bus.onMessage((topic, message) => {
        metrics.busIn.inc();
        inOf(topic).inc();
        handler(topic, message);
      });
    },
    onGap: (handler) => bus.onGap(handler),
    status: () => bus.status(),
    close: () => bus.close(),
  };
}

/** The counter of a topic's kind: `user`, `channel`, `node` or `cluster` (its first part), a label of few values. */
function byKind<T>(make: (kind: string) => T): (topic: string) => T {
  const made = new Map<string, T>();
  return (topic) => {
    const dot = topic.indexOf('.');
    const kind = dot < 0 ? topic : topic.slice(0, dot);
    let counter = made.get(kind);
    if (counter === undefined) {
      counter = make(kind);
      made.set(kind, counter);
    }
    return counter;
  };
}
