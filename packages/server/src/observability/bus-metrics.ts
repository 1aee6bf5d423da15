import type { Bus } from '../ports/bus.js';
import type { Metrics } from './metrics.js';

/** The bus as the node uses it, counting what goes out and comes in and reconnects; parley_bus_connected reads its state. */
export function instrumentBus(bus: Bus, metrics: Metrics): Bus {
  metrics.watchBus(() => bus.status().connected);
  bus.onGap(() => metrics.busReconnects.inc());
  return {
    publish(topic, message) {
      metrics.busOut.inc();
      bus.publish(topic, message);
    },
    subscribe: (topic) => bus.subscribe(topic),
    unsubscribe: (topic) => bus.unsubscribe(topic),
    onMessage(handler) {
      bus.onMessage((topic, message) => {
        metrics.busIn.inc();
        handler(topic, message);
      });
    },
    onGap: (handler) => bus.onGap(handler),
    status: () => bus.status(),
    close: () => bus.close(),
  };
}
