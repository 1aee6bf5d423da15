import type { Bus } from '../ports/bus.js';
import type { Metrics } from './metrics.js';

/** The bus as the node uses it, counting what goes out and comes in and reconnects; parley_bus_connected reads its state. */
export function instrumentBus(bus: Bus, metrics: Metrics): Bus {
  metrics.watchBus(() => bus.status().connected);
  bus.onGap(() => metrics.busReconnects.inc());
  return {
    publish(topic, message) {
      metrics.busOut.add();
      metrics.busOutByTopic.add(kindOf(topic));
      bus.publish(topic, message);
    },
    subscribe: (topic) => bus.subscribe(topic),
    unsubscribe: (topic) => bus.unsubscribe(topic),
    onMessage(handler) {
      bus.onMessage((topic, message) => {
        metrics.busIn.add();
        metrics.busInByTopic.add(kindOf(topic));
        handler(topic, message);
      });
    },
    onGap: (handler) => bus.onGap(handler),
    status: () => bus.status(),
    close: () => bus.close(),
  };
}

/** A topic's kind: `user`, `channel`, `node` or `cluster` (its first part), a label of few values. */
function kindOf(topic: string): string {
  const dot = topic.indexOf('.');
  return dot < 0 ? topic : topic.slice(0, dot);
}
