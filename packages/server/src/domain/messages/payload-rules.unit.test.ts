import { ContentType, type Payload } from '@parley/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Limits } from '../../config.js';
import { checkPayload } from './payload-rules.js';

describe('checkPayload', () => {
  it('refuses exactly the payloads whose JSON is over the byte limit, whatever their characters', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: fc.constantFrom('a', 'é', '中', '😀', '"', '\u0001'), maxLength: 120 }),
          // One character repeated: the widest UTF-8 for its UTF-16 length (3 bytes a unit for 中).
          fc.tuple(fc.constantFrom('a', 'é', '中', '😀'), fc.nat(150)).map(([c, n]) => c.repeat(n)),
        ),
        fc.integer({ min: 20, max: 500 }),
        (content, payloadMaxBytes) => {
          const payload = { type: ContentType.CustomMin, content } as unknown as Payload;
          const limits = { payloadMaxBytes, textMaxChars: 1_000_000 } as Limits;
          const over = Buffer.byteLength(JSON.stringify(payload)) > payloadMaxBytes;
          expect('error' in checkPayload(payload, limits)).toBe(over);
        },
      ),
      // 126 code units, 326 bytes: over 300, though twice its length is not.
      { examples: [['中'.repeat(100), 300]] },
    );
  });
});
