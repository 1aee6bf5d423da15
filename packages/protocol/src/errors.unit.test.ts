import fs from 'node:fs';
import path from 'node:path';
import Value from 'typebox/value';
import { describe, expect, it } from 'vitest';
import { ErrorBody, ErrorCatalogue, type ErrorCode, ParleyError } from './errors.js';

const PROTOCOL_DOC = path.resolve(import.meta.dirname, '../../../docs/protocol.md');
const codes = Object.keys(ErrorCatalogue) as ErrorCode[];

/** code -> status as docs/protocol.md's "Errors" table gives them (`403…` for a status that varies). */
function documentedErrors(): Map<string, string> {
  const section = fs.readFileSync(PROTOCOL_DOC, 'utf8').split('\n## Errors')[1]?.split('\n## ')[0] ?? '';
  return new Map([...section.matchAll(/^\|\s*([a-z_]+\.[a-z_]+)\s*\|\s*(\d+…?)\s*\|/gm)].map((m) => [m[1] as string, m[2] as string]));
}

describe('the error catalogue', () => {
  it('names each code `area.snake_case`, with a 4xx or 5xx status and a message', () => {
    for (const code of codes) {
      const { status, message } = ErrorCatalogue[code];
      expect(code).toMatch(/^[a-z]+\.[a-z_]+$/);
      expect(status, code).toBeGreaterThanOrEqual(400);
      expect(status, code).toBeLessThan(600);
      expect(message.length, code).toBeGreaterThan(0);
    }
  });

  it('keeps 5xx for the server itself: a client mistake is never a 5xx', () => {
    expect(codes.filter((c) => ErrorCatalogue[c].status >= 500).sort()).toEqual(['server.internal', 'server.shutting_down']);
  });

  it('is documented code for code, with the same statuses, in docs/protocol.md', () => {
    const documented = documentedErrors();
    expect([...documented.keys()].sort()).toEqual([...codes].sort());
    for (const code of codes) {
      // message.refused carries the status of its reason code; the table gives the usual one with an ellipsis.
      expect(documented.get(code)?.replace('…', ''), code).toBe(String(ErrorCatalogue[code].status));
    }
  });
});

describe('ParleyError', () => {
  it('takes its status and default message from the catalogue, and is an Error', () => {
    const e = new ParleyError('group.not_found');
    expect(e).toBeInstanceOf(Error);
    expect([e.name, e.code, e.status, e.message]).toEqual([
      'ParleyError',
      'group.not_found',
      404,
      ErrorCatalogue['group.not_found'].message,
    ]);
    expect(new ParleyError('group.not_found', 'No group g1').message).toBe('No group g1');
  });

  it('renders the one error shape, with details only when there are some', () => {
    const plain = new ParleyError('auth.required').toBody();
    const detailed = new ParleyError('user.not_found', undefined, { missing: ['bob'] }).toBody();
    expect(plain).toEqual({ code: 'auth.required', message: ErrorCatalogue['auth.required'].message });
    expect('details' in plain).toBe(false);
    expect(detailed.details).toEqual({ missing: ['bob'] });
    for (const body of [plain, detailed, new ParleyError('server.internal', 'x', null).toBody()])
      expect(Value.Check(ErrorBody, body)).toBe(true);
    expect(Value.Check(ErrorBody, { code: 'x' })).toBe(false);
  });
});
