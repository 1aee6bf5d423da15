import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ReasonCode, type ReasonName, reasonName } from './reason-codes.js';

const PROTOCOL_DOC = path.resolve(import.meta.dirname, '../../../docs/protocol.md');

/** The `| code | name | ... |` rows under docs/protocol.md's "Reason codes" heading. */
function documentedReasons(): Array<[number, string]> {
  const section = fs.readFileSync(PROTOCOL_DOC, 'utf8').split('### Reason codes')[1]?.split('\n#')[0] ?? '';
  return [...section.matchAll(/^\|\s*(\d+)\s*\|\s*(\w+)\s*\|/gm)].map((m) => [Number(m[1]), m[2] as string]);
}

describe('reason codes', () => {
  it("are WuKongIM's table: 0 to 25, each number once", () => {
    const codes = Object.values(ReasonCode);
    expect(codes).toEqual([...codes].sort((a, b) => a - b));
    expect(codes).toEqual(Array.from({ length: 26 }, (_, i) => i));
    expect([ReasonCode.ReasonUnknown, ReasonCode.ReasonSuccess, ReasonCode.ReasonSendBan]).toEqual([0, 1, 25]);
  });

  it('name every code, and call a code outside the table unknown', () => {
    for (const [name, code] of Object.entries(ReasonCode)) expect(reasonName(code)).toBe(name as ReasonName);
    for (const code of [-1, 26, 1.5, Number.NaN]) expect(reasonName(code)).toBe('ReasonUnknown');
  });

  it('are documented with the same numbers and names in docs/protocol.md', () => {
    const rows = documentedReasons();
    expect(rows.length).toBeGreaterThan(10);
    for (const [code, name] of rows) expect(reasonName(code), `docs row ${code} ${name}`).toBe(name);
  });
});
