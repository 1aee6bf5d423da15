import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ErrorCatalogue, EventName, isRetryable, isRetryableReason, ReasonCode, reasonName } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { adminRoutes } from './authz-admin.table.js';
import { methods } from './ws/methods.js';

// docs/protocol.md is written by hand for its words; these checks keep its tables true to the code.
const doc = readFileSync(fileURLToPath(new URL('../../../../docs/protocol.md', import.meta.url)), 'utf8');

/** The rows of the first table under a heading, as trimmed cells, header and rule lines left out. */
function tableUnder(heading: string): string[][] {
  const start = doc.split('\n').findIndex((line) => line.trim() === heading);
  expect(start, `heading "${heading}" in docs/protocol.md`).toBeGreaterThanOrEqual(0);
  const rows: string[][] = [];
  for (const line of doc.split('\n').slice(start + 1)) {
    if (line.startsWith('#')) break;
    if (!line.startsWith('|')) {
      if (rows.length > 0) break;
      continue;
    }
    rows.push(
      line
        .slice(1, -1)
        .split('|')
        .map((cell) => cell.trim()),
    );
  }
  return rows.slice(2);
}

const names = (cell: string): string[] => [...cell.matchAll(/`([a-zA-Z.]+)`/g)].map((m) => m[1] as string);

describe('docs/protocol.md', () => {
  it('lists every catalogued error, in catalogue order, with its status and whether to retry', () => {
    const rows = tableUnder('## Errors');
    expect(rows.map((r) => r[0])).toEqual(Object.keys(ErrorCatalogue));
    for (const [code, status, retry] of rows) {
      const entry = ErrorCatalogue[code as keyof typeof ErrorCatalogue];
      expect(status?.replace('…', ''), code).toBe(String(entry.status));
      const expected = code === 'message.refused' ? 'by reason' : isRetryable(code as string) ? 'yes' : 'no';
      expect(retry, code).toBe(expected);
    }
  });

  it('names the retryable send reason codes as the code does', () => {
    const retryable = Object.values(ReasonCode).filter(isRetryableReason);
    const said = doc.match(/worth retrying for reason codes ([\d, and]+) only/)?.[1];
    expect(said?.split(/, | and /).map(Number)).toEqual(retryable);
  });

  it('gives each reason code its WuKongIM name', () => {
    const rows = tableUnder('### Reason codes');
    expect(rows.length).toBeGreaterThan(10);
    for (const [code, name] of rows) expect(name, `reason ${code}`).toBe(reasonName(Number(code)));
  });

  it('documents every WebSocket method and no method that does not exist', () => {
    const documented = tableUnder('### Methods').flatMap((r) => names(r[0] as string));
    const builtIn = ['auth', 'ping'];
    expect(new Set(documented)).toEqual(new Set([...builtIn, ...Object.keys(methods)]));
  });

  it('documents every admin route and no route that does not exist', () => {
    // A cell names one path and one or more methods: `GET` / `PATCH /v1/admin/users/{uid}`.
    const documented = tableUnder('## Admin REST (`Authorization: Bearer <PARLEY_APP_SECRET>`)').flatMap(([cell = '']) => {
      const path = cell.match(/\/v1\/admin[^`?\s]*/)?.[0];
      return [...cell.matchAll(/\b(GET|POST|PUT|PATCH|DELETE)\b/g)].map((m) => `${m[1]} ${path}`);
    });
    // adminRoutes lists every registered admin route (authz-matrix.test.ts holds it to the server's).
    const registered = Object.keys(adminRoutes).map((r) => r.replace(/:(\w+)/g, '{$1}'));
    expect(new Set(documented)).toEqual(new Set(registered));
  });

  it('documents every event the server pushes', () => {
    const documented = new Set(tableUnder('### Events').flatMap((r) => names(r[0] as string)));
    for (const event of [...Object.values(EventName), 'auth.ok']) expect(documented, event).toContain(event);
  });
});
