import Value from 'typebox/value';
import { describe, expect, it } from 'vitest';
import { RequestFrame } from './frames.js';

describe('RequestFrame', () => {
  it('takes an integer or short string id, a method and any params', () => {
    for (const frame of [
      { id: 1, method: 'message.send' },
      { id: 'req-7', method: 'x', params: [1, 'two'] },
      { id: 0, method: 'conversation.list', params: null },
      { id: 'x'.repeat(64), method: 'm'.repeat(64), params: { deep: { er: true } } },
    ])
      expect(Value.Check(RequestFrame, frame), JSON.stringify(frame)).toBe(true);
  });

  it('refuses a frame without id or method, a fractional or long id, a long method, or unknown fields', () => {
    for (const frame of [
      { method: 'message.send' },
      { id: 1 },
      { id: 1.5, method: 'x' },
      { id: null, method: 'x' },
      { id: 'x'.repeat(65), method: 'x' },
      { id: 1, method: 'm'.repeat(65) },
      { id: 1, method: 'x', token: 'secret' },
      [1, 'x'],
    ])
      expect(Value.Check(RequestFrame, frame), JSON.stringify(frame)).toBe(false);
  });
});
