import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { Tally } from './tally.js';

const valueIn = (text: string, line: RegExp): number | undefined => {
  const m = text.match(line);
  return m ? Number(m[1]) : undefined;
};

describe('Tally', () => {
  it('shows each read what was added before it, once', async () => {
    const registry = new Registry();
    const sends = new Tally(registry, { name: 't_sends_total', help: 'h', label: 'reason' });
    const plain = new Tally(registry, { name: 't_plain_total', help: 'h' });
    expect(valueIn(await registry.metrics(), /^t_plain_total (\d+)$/m)).toBe(0);
    sends.add(1);
    sends.add(1);
    sends.add(7);
    plain.add();
    let text = await registry.metrics();
    expect(valueIn(text, /^t_sends_total\{reason="1"\} (\d+)$/m)).toBe(2);
    expect(valueIn(text, /^t_sends_total\{reason="7"\} (\d+)$/m)).toBe(1);
    expect(valueIn(text, /^t_plain_total (\d+)$/m)).toBe(1);
    // A second read adds nothing twice; later adds go on from there.
    text = await registry.metrics();
    expect(valueIn(text, /^t_sends_total\{reason="1"\} (\d+)$/m)).toBe(2);
    sends.add(1);
    plain.add();
    text = await registry.metrics();
    expect(valueIn(text, /^t_sends_total\{reason="1"\} (\d+)$/m)).toBe(3);
    expect(valueIn(text, /^t_plain_total (\d+)$/m)).toBe(2);
    const metric = registry.getSingleMetric('t_sends_total');
    expect((await metric?.get())?.values.map((v) => [v.labels.reason, v.value])).toEqual([
      [1, 3],
      [7, 1],
    ]);
  });
});
