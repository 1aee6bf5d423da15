import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config.js';
import { configEntries, MASK, maskUrl } from './config-view.js';

describe('the configuration as the admin API shows it', () => {
  it('masks the password of a URL, and a lone user name (a NATS token, a Redis password)', () => {
    expect(maskUrl('postgres://app:s3cret@db:5432/parley')).toEqual({ value: `postgres://app:${MASK}@db:5432/parley`, masked: true });
    expect(maskUrl('postgresql://postgres@127.0.0.1/test')).toEqual({ value: `postgresql://${MASK}@127.0.0.1/test`, masked: true });
    expect(maskUrl('redis://:hunter2@cache:6379/0')).toEqual({ value: `redis://:${MASK}@cache:6379/0`, masked: true });
    expect(maskUrl('nats://s.token.value@nats:4222')).toEqual({ value: `nats://${MASK}@nats:4222`, masked: true });
    expect(maskUrl('redis://cache:6379')).toEqual({ value: 'redis://cache:6379', masked: false });
  });

  it('masks query parameters named like secrets, and a URL it cannot read at all', () => {
    const masked = maskUrl('postgres://db/parley?sslmode=require&password=pw1&sslpassword=pw2&sslkey=/k.pem&api_key=k');
    expect(masked.masked).toBe(true);
    for (const secret of ['pw1', 'pw2', '/k.pem', '%2Fk.pem', '=k']) expect(masked.value).not.toContain(secret);
    expect(masked.value).toContain('sslmode=require');
    expect(maskUrl('postgres://user:p@ss@[bad')).toEqual({ value: MASK, masked: true });
    expect(maskUrl('not a url')).toEqual({ value: 'not a url', masked: false });
  });

  it('shows every field, secrets masked, and no raw secret anywhere', () => {
    const secret = 'S'.repeat(40);
    const config = loadConfig({
      PARLEY_MODE: 'production',
      PARLEY_APP_SECRET: secret,
      DATABASE_URL: 'postgres://parley:db-password-1@db/parley',
      PARLEY_BUS_URL: 'redis://default:bus-password-2@cache:6379',
      PARLEY_ALLOWED_ORIGINS: 'https://chat.example.com,https://admin.example.com',
    });
    const entries = configEntries(config);
    const byKey = Object.fromEntries(entries.map((e) => [e.key, e]));
    expect(byKey.appSecret).toEqual({ key: 'appSecret', value: MASK, masked: true });
    expect(byKey.databaseUrl?.value).toBe(`postgres://parley:${MASK}@db/parley`);
    expect(byKey.busUrl?.value).toBe(`redis://default:${MASK}@cache:6379`);
    expect(byKey.allowedOrigins).toEqual({
      key: 'allowedOrigins',
      value: ['https://chat.example.com', 'https://admin.example.com'],
      masked: false,
    });
    expect(byKey.tokenTtlSeconds).toMatchObject({ value: 604800, masked: false });
    expect(byKey['limits.sendBurst']).toMatchObject({ value: 50, masked: false });
    const shown = JSON.stringify(entries);
    for (const raw of [secret, 'db-password-1', 'bus-password-2']) expect(shown).not.toContain(raw);
  });

  it('masks a field named like a secret whatever it holds, so a new one is masked without being listed', () => {
    const config = { ...loadConfig({}), webhookSecret: 'w', smtp: { password: 'p', apiKey: 'k', user: 'u' }, tokens: ['t1'] };
    const byKey = Object.fromEntries(configEntries(config).map((e) => [e.key, e.value]));
    expect([byKey.webhookSecret, byKey['smtp.password'], byKey['smtp.apiKey'], byKey['smtp.user'], byKey.tokens]).toEqual([
      MASK,
      MASK,
      MASK,
      'u',
      [MASK],
    ]);
  });
});
