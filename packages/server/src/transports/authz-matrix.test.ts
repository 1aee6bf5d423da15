import fs from 'node:fs';
import path from 'node:path';
import { CloseCode } from '@parley/protocol';
import { describeEachBackend } from '@parley/test-kit/backends';
import { useServer } from '@parley/test-kit/server';
import type { TestClient } from '@parley/test-kit/ws-client';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ACTOR,
  ADMIN_IDENTITIES,
  type AdminIdentity,
  type Cell,
  MEMBER_IDENTITIES,
  type MemberIdentity,
  type Operation,
  type Probe,
  TOKEN_IDENTITIES,
  type TokenIdentity,
} from '../test-support/authz-cells.js';
import {
  type Answer,
  callRest,
  expectAnswer,
  expectNoLeak,
  expectRefused,
  expectUnchanged,
  restAnswer,
  wsAfterRefusedAuth,
  wsAnswer,
  wsUnauthenticated,
} from '../test-support/authz-run.js';
import { buildWorld, hiddenFrom, type Snapshot, snapshot, U, type World } from '../test-support/authz-world.js';
import { registeredRoutes } from '../test-support/routes.js';
import { adminRoutes, publicRoutes, type WebBuild } from './authz-admin.table.js';
import { clientOperations } from './authz-matrix.table.js';
import { methods } from './ws/methods.js';

/**
 * The authorization matrix (issue 10): every client operation, on REST and on the WebSocket,
 * tried by every identity that must not get alice's data, plus the admin API without the app
 * secret. Each cell asserts the exact refusal, that the answer leaks nothing outside the
 * identity's window, and that the world (rows, files, groups, users, everyone's conversations
 * and messages) is exactly as before. The rows come from the tables beside this file; the
 * first tests fail when a WebSocket method or a route has no row.
 */

interface Row {
  /** The `methods` key, or the route as registered. */
  key: string;
  via: 'ws' | 'rest';
  op: Operation;
}

const rows: Row[] = Object.values(clientOperations).flatMap((op) => [
  ...(op.ws ? [{ key: op.ws, via: 'ws' as const, op }] : []),
  ...(op.rest ? [{ key: op.rest, via: 'rest' as const, op }] : []),
]);

/** What a client token that is not valid gets, everywhere; on the WebSocket, the close code after. */
const TOKEN_REFUSAL: Record<TokenIdentity, { code: string; close?: number }> = {
  noToken: { code: 'auth.required' },
  forged: { code: 'auth.invalid_token', close: CloseCode.AuthFailed },
  expired: { code: 'auth.token_expired', close: CloseCode.TokenExpired },
  otherAudience: { code: 'auth.invalid_token', close: CloseCode.AuthFailed },
};

const ADMIN_REFUSAL: Record<AdminIdentity, { code: string; status: number }> = {
  noSecret: { code: 'auth.required', status: 401 },
  wrongSecret: { code: 'auth.admin_required', status: 403 },
  clientToken: { code: 'auth.admin_required', status: 403 },
};

/** n/a cells name why in one word from this list. */
const NA_REASONS: Record<string, string> = {
  member: 'the identity is a legitimate member here: nothing to refuse',
  own: 'the operation only touches the caller’s own conversation or message',
  unscoped: 'the operation reads or writes nobody else’s data',
};

await describeEachBackend('authorization matrix', (backend) => {
  const server = useServer(backend, { PARLEY_SEND_RATE_PER_SEC: '0', PARLEY_AUTH_TIMEOUT_SECONDS: '600' });
  let w: World;
  /** The world as the last cell left it. */
  let baseline: Snapshot;

  let routes: Promise<string[]> | undefined;
  const registered = (): Promise<string[]> => {
    routes ??= registeredRoutes(server().server.ctx);
    return routes;
  };
  const webBuild = (): WebBuild => (fs.existsSync(path.join(server().config.webDir, 'index.html')) ? 'built' : 'not built');

  beforeAll(async () => {
    w = await buildWorld(server());
    baseline = await snapshot(w);
  });

  /** Runs `body`, then checks that the world is as before; the next cell starts from the world as it is, even after a failure. */
  async function thenUnchanged(body: () => Promise<void>): Promise<void> {
    let checked = false;
    try {
      await body();
      baseline = await expectUnchanged(w, baseline, undefined, '');
      checked = true;
    } finally {
      if (!checked) baseline = await snapshot(w);
    }
  }

  describe('every operation has a row', () => {
    it('every WebSocket method, and no row for a method that is gone', () => {
      const inTable = rows.filter((r) => r.via === 'ws').map((r) => r.key);
      expect(
        Object.keys(methods).filter((m) => !inTable.includes(m)),
        'methods without a row in authz-matrix.table.ts',
      ).toEqual([]);
      expect(
        inTable.filter((m) => !Object.hasOwn(methods, m)),
        'rows for no method',
      ).toEqual([]);
    });

    it('every REST route, each in one table, and no row for a route that is gone', async () => {
      const routes = await registered();
      const tables = [rows.filter((r) => r.via === 'rest').map((r) => r.key), Object.keys(adminRoutes), Object.keys(publicRoutes)];
      const listed = tables.flat();
      expect(
        routes.filter((r) => !listed.includes(r)),
        'routes without a row in authz-matrix.table.ts or authz-admin.table.ts',
      ).toEqual([]);
      expect(
        listed.filter((r, i) => listed.indexOf(r) !== i),
        'routes in two tables',
      ).toEqual([]);
      const required = listed.filter((r) => [undefined, webBuild()].includes(publicRoutes[r]?.only));
      expect(
        required.filter((r) => !routes.includes(r)),
        'rows for no route',
      ).toEqual([]);
      for (const r of Object.keys(adminRoutes)) expect(r).toMatch(/^[A-Z]+ \/v1\/admin\//);
    });

    it('reads the routes right: every operation of the OpenAPI document is among them', async () => {
      const routes = await registered();
      const doc = (await server().http('GET', '/docs/json')).body;
      const documented = Object.entries(doc.paths as Record<string, object>).flatMap(([path, ops]) =>
        Object.keys(ops).map((verb) => `${verb.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
      );
      expect(documented.length).toBeGreaterThan(30);
      expect(documented.filter((r) => !routes.includes(r))).toEqual([]);
    });

    it('gives every client operation a cell per identity: probes, or n/a with a one-word reason', () => {
      for (const { key, op } of rows) {
        expect(Object.keys(op.cells).sort(), key).toEqual([...MEMBER_IDENTITIES].sort());
        for (const identity of MEMBER_IDENTITIES) {
          const cell: Cell = op.cells[identity];
          if ('na' in cell) expect(Object.keys(NA_REASONS), `${key} × ${identity}`).toContain(cell.na);
          else expect(cell.probes.length, `${key} × ${identity}`).toBeGreaterThan(0);
        }
      }
    });
  });

  describe('client operations × identities without a valid token', () => {
    for (const row of rows) {
      for (const identity of TOKEN_IDENTITIES) {
        it(`${row.key} × ${identity}: ${TOKEN_REFUSAL[identity].code}`, () =>
          thenUnchanged(() => (row.via === 'rest' ? restWithoutToken(row, identity) : wsWithoutToken(row, identity))));
      }
    }
  });

  async function restWithoutToken(row: Row, identity: TokenIdentity): Promise<void> {
    const request = row.op.request(w, row.op.sample, U.bob);
    const tokens =
      identity === 'noToken' ? [undefined] : identity === 'otherAudience' ? [w.bad.otherAudience, w.bad.noAudience] : [w.bad[identity]];
    for (const token of tokens) {
      const answer = restAnswer(await callRest(w, row.key, request, token));
      expectRefused(answer, TOKEN_REFUSAL[identity].code, 401);
      expectNoLeak(answer, w, undefined, request);
    }
    if (identity === 'noToken' && row.key.startsWith('GET ')) {
      expect((await w.t.http('HEAD', request.path)).status, 'HEAD twin').toBe(401);
    }
  }

  async function wsWithoutToken(row: Row, identity: TokenIdentity): Promise<void> {
    const { params } = row.op.request(w, row.op.sample, U.bob);
    if (identity === 'noToken') {
      const answer = await wsUnauthenticated(w, row.key, params);
      expectRefused(answer, 'auth.required', 401);
      return expectNoLeak(answer, w, undefined, params);
    }
    const tokens = identity === 'otherAudience' ? [w.bad.otherAudience, w.bad.noAudience] : [w.bad[identity]];
    for (const token of tokens) {
      const { auth, call, closeCode } = await wsAfterRefusedAuth(w, token, row.key, params);
      expectRefused(auth, TOKEN_REFUSAL[identity].code, 401);
      expectRefused(call, 'auth.required', 401);
      expect(closeCode).toBe(TOKEN_REFUSAL[identity].close);
      expectNoLeak(call, w, undefined, params);
    }
  }

  describe('client operations × people with a token of their own', () => {
    for (const row of rows) {
      for (const identity of MEMBER_IDENTITIES) {
        const cell = row.op.cells[identity];
        if ('na' in cell) continue;
        it(`${row.key} × ${identity}`, () => memberCell(row, identity, cell));
      }
    }
  });

  /**
   * Every probe of the cell runs, and the cell fails with all the probes that failed. Refusals
   * are checked together at the end; a probe allowed to change something is checked on its
   * own, right after the refusals before it.
   */
  async function memberCell(row: Row, identity: MemberIdentity, cell: { probes: Probe[] }): Promise<void> {
    const actor = ACTOR[identity];
    const failures: string[] = [];
    const failed = (where: string, error: unknown) => failures.push(`${where}: ${error instanceof Error ? error.message : error}`);
    for (const probe of cell.probes) {
      const e = probe.expect;
      const allowed = e.kind === 'allowed' ? e : undefined;
      const own = allowed?.changes !== undefined || allowed?.setup !== undefined;
      try {
        if (own) baseline = await expectUnchanged(w, baseline, undefined, actor);
        await allowed?.setup?.(w);
        const request = row.op.request(w, probe.on, actor);
        const answer: Answer =
          row.via === 'rest'
            ? restAnswer(await callRest(w, row.key, request, w.token[actor]))
            : await wsAnswer((w.ws[actor] as TestClient).request(row.key, request.params));
        await allowed?.undo?.(w);
        expectAnswer(answer, e, w, actor);
        expectNoLeak(answer, w, actor, request);
        if (own) baseline = await expectUnchanged(w, baseline, allowed?.changes, actor);
      } catch (error) {
        if (own) baseline = await snapshot(w);
        failed(`${identity} (${actor}) on ${JSON.stringify(probe.on)}`, error);
      }
    }
    try {
      baseline = await expectUnchanged(w, baseline, undefined, actor);
    } catch (error) {
      baseline = await snapshot(w);
      failed(`${identity} (${actor}), after the probes`, error);
    }
    if (failures.length) throw new Error(failures.join('\n\n'));
  }

  describe('admin API × identities without the app secret', () => {
    for (const [route, sample] of Object.entries(adminRoutes)) {
      for (const identity of ADMIN_IDENTITIES) {
        const { code, status } = ADMIN_REFUSAL[identity];
        it(`${route} × ${identity}: ${status} ${code}`, () =>
          thenUnchanged(async () => {
            const token =
              identity === 'noSecret' ? undefined : identity === 'wrongSecret' ? `${w.t.config.appSecret}-but-not` : w.token[U.alice];
            const answer = restAnswer(await callRest(w, route, sample, token));
            expectRefused(answer, code, status);
            expectNoLeak(answer, w, undefined, sample);
            if (identity === 'noSecret' && route.startsWith('GET ')) {
              expect((await w.t.http('HEAD', sample.path)).status, 'HEAD twin').toBe(401);
            }
          }));
      }
    }
  });

  describe('public routes: answered without credentials, on purpose', () => {
    for (const [route, p] of Object.entries(publicRoutes)) {
      it(`${route}: ${p.why}${p.only ? ` (only when the web app is ${p.only})` : ''}`, async () => {
        if (p.only && p.only !== webBuild()) return expect(await registered()).not.toContain(route);
        const res = await w.t.http(route.slice(0, route.indexOf(' ')), p.path, p.body === undefined ? {} : { body: p.body });
        expect(res.status, JSON.stringify(res.body).slice(0, 200)).toBe(p.status);
        baseline = await snapshot(w);
      });
    }
  });

  it('pushed nobody anything outside their window, and dropped nobody', () => {
    for (const [uid, client] of Object.entries(w.ws)) {
      const pushed = JSON.stringify(client.events);
      const hidden = hiddenFrom(uid, w);
      for (const content of hidden.contents) expect(pushed, `${uid} was pushed "${content}"`).not.toContain(content);
      for (const id of hidden.ids) expect(pushed, `${uid} was pushed message ${id}`).not.toContain(id);
      expect(client.closeCode, uid).toBeUndefined();
    }
  });
});
