import { GROUP, U } from '../test-support/authz-world.js';

/**
 * The admin API: each route with a well-formed request that would change or reveal alice's
 * world if it were let through. Every one is tried without the app secret, with a wrong one
 * and with a valid client token (see `authz-matrix.test.ts`). Well-formed, because Fastify
 * validates a body before the auth check runs.
 */
export const adminRoutes: Record<string, { path: string; body?: unknown }> = {
  'POST /v1/admin/users': { path: '/v1/admin/users', body: { uid: U.alice, name: 'az pwned' } },
  'POST /v1/admin/users/batch': { path: '/v1/admin/users/batch', body: { users: [{ uid: U.alice, name: 'az pwned' }] } },
  'GET /v1/admin/users/:uid': { path: `/v1/admin/users/${U.alice}` },
  'PATCH /v1/admin/users/:uid': { path: `/v1/admin/users/${U.alice}`, body: { name: 'az pwned' } },
  'POST /v1/admin/users/:uid/token': { path: `/v1/admin/users/${U.alice}/token`, body: { expiresInSeconds: 3600 } },
  'POST /v1/admin/users/:uid/ban': { path: `/v1/admin/users/${U.alice}/ban`, body: { banned: true } },
  'POST /v1/admin/users/online': { path: '/v1/admin/users/online', body: { uids: [U.alice] } },
  'POST /v1/admin/users/:uid/kick': { path: `/v1/admin/users/${U.alice}/kick`, body: {} },
  'POST /v1/admin/users/:uid/tokens/revoke': { path: `/v1/admin/users/${U.alice}/tokens/revoke` },
  'PUT /v1/admin/users/:uid/presence': { path: `/v1/admin/users/${U.alice}/presence`, body: { hidden: true } },
  'GET /v1/admin/users/:uid/blacklist': { path: `/v1/admin/users/${U.alice}/blacklist` },
  'POST /v1/admin/users/:uid/blacklist': { path: `/v1/admin/users/${U.alice}/blacklist`, body: { uids: [U.bob] } },
  'POST /v1/admin/users/:uid/blacklist/remove': { path: `/v1/admin/users/${U.alice}/blacklist/remove`, body: { uids: [U.bob] } },
  'GET /v1/admin/users/:uid/export': { path: `/v1/admin/users/${U.alice}/export` },
  'DELETE /v1/admin/users/:uid': { path: `/v1/admin/users/${U.alice}`, body: { erase: true } },
  'POST /v1/admin/groups': { path: '/v1/admin/groups', body: { groupId: 'az-admin-new', channelType: 2, ownerUid: U.carol } },
  'GET /v1/admin/groups/:groupId': { path: `/v1/admin/groups/${GROUP.G}` },
  'PATCH /v1/admin/groups/:groupId': { path: `/v1/admin/groups/${GROUP.G}`, body: { allowHistory: true } },
  'DELETE /v1/admin/groups/:groupId': { path: `/v1/admin/groups/${GROUP.G}` },
  'GET /v1/admin/groups/:groupId/members': { path: `/v1/admin/groups/${GROUP.G}/members` },
  'POST /v1/admin/groups/:groupId/members': { path: `/v1/admin/groups/${GROUP.G}/members`, body: { uids: [U.carol] } },
  'POST /v1/admin/groups/:groupId/members/remove': { path: `/v1/admin/groups/${GROUP.G}/members/remove`, body: { uids: [U.bob] } },
  'PUT /v1/admin/groups/:groupId/members/:uid/mute': { path: `/v1/admin/groups/${GROUP.G}/members/${U.bob}/mute`, body: { muted: true } },
  'PUT /v1/admin/groups/:groupId/mute': { path: `/v1/admin/groups/${GROUP.G}/mute`, body: { muteAll: true } },
  'PUT /v1/admin/groups/:groupId/owner': { path: `/v1/admin/groups/${GROUP.G}/owner`, body: { uid: U.bob } },
  'PUT /v1/admin/groups/:groupId/admins': { path: `/v1/admin/groups/${GROUP.G}/admins`, body: { uids: [U.bob], isAdmin: true } },
  'GET /v1/admin/groups/:groupId/whitelist': { path: `/v1/admin/groups/${GROUP.G}/whitelist` },
  'PUT /v1/admin/groups/:groupId/whitelist': { path: `/v1/admin/groups/${GROUP.G}/whitelist`, body: { uids: [U.bob] } },
  'GET /v1/admin/groups/:groupId/retention': { path: `/v1/admin/groups/${GROUP.G}/retention` },
  'PUT /v1/admin/groups/:groupId/retention': { path: `/v1/admin/groups/${GROUP.G}/retention`, body: { retentionDays: 1 } },
  'GET /v1/admin/users': { path: `/v1/admin/users?prefix=${U.alice}` },
  'GET /v1/admin/users/:uid/groups': { path: `/v1/admin/users/${U.alice}/groups` },
  'GET /v1/admin/groups': { path: '/v1/admin/groups?prefix=' },
  'GET /v1/admin/stats': { path: '/v1/admin/stats' },
  'GET /v1/admin/config': { path: '/v1/admin/config' },
  'GET /v1/admin/webhook': { path: '/v1/admin/webhook' },
  // Would send every event of alice's world to a receiver of the caller's choosing.
  'PUT /v1/admin/webhook': { path: '/v1/admin/webhook', body: { url: 'http://127.0.0.1:9/az-pwned' } },
  'GET /v1/admin/webhook/dead-letters': { path: '/v1/admin/webhook/dead-letters' },
  'POST /v1/admin/webhook/dead-letters/replay': { path: '/v1/admin/webhook/dead-letters/replay', body: {} },
  'POST /v1/admin/webhook/dead-letters/discard': { path: '/v1/admin/webhook/dead-letters/discard', body: {} },
  'POST /v1/admin/messages': {
    path: '/v1/admin/messages',
    body: { fromUid: U.alice, channelId: GROUP.G, channelType: 2, payload: { type: 1, content: 'az forged as alice' } },
  },
};

/** Some routes exist only with the web app built (its files), or only without (a page saying how to build it). */
export type WebBuild = 'built' | 'not built';

/**
 * Routes anyone may call, on purpose, with one request each and the status it answers without
 * credentials.
 */
export const publicRoutes: Record<string, { path: string; status: number; why: string; body?: unknown; only?: WebBuild }> = {
  'GET /healthz': { path: '/healthz', status: 200, why: 'liveness for load balancers' },
  'GET /metrics': { path: '/metrics', status: 200, why: 'Prometheus scrapes it' },
  'GET /docs': { path: '/docs', status: 200, why: 'the API description' },
  'GET /docs/': { path: '/docs/', status: 200, why: 'the API description' },
  'GET /docs/json': { path: '/docs/json', status: 200, why: 'the API description' },
  'GET /docs/yaml': { path: '/docs/yaml', status: 200, why: 'the API description' },
  'GET /docs/static/index.html': { path: '/docs/static/index.html', status: 200, why: 'the API description' },
  'GET /docs/static/swagger-initializer.js': { path: '/docs/static/swagger-initializer.js', status: 200, why: 'the API description' },
  'GET /docs/static/*': { path: '/docs/static/logo.svg', status: 200, why: 'the API description' },
  'POST /v1/dev/login': { path: '/v1/dev/login', status: 200, body: { uid: 'az-dev' }, why: 'development mode (the tests run in it)' },
  'GET /v1/files/:fileId': { path: '/v1/files/az-no-such-file', status: 404, why: 'an unguessable id is the capability' },
  'GET /': { path: '/', status: 200, why: 'how to build the web app', only: 'not built' },
  'GET /*': { path: '/', status: 200, why: 'the web app', only: 'built' },
  'GET /admin': { path: '/admin', status: 200, why: 'the admin console’s page (its API calls need the app secret)' },
  'GET /admin/*': { path: '/admin/users', status: 200, why: 'the admin console’s page (its API calls need the app secret)' },
};
