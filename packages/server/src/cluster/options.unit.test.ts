import { describe, expect, it } from 'vitest';
import { busPrefixOf, ClusterArgsError, freshSchemaName, nodeDatabaseUrl, parseClusterArgs } from './options.js';

const at = new Date('2026-12-02T07:15:09.123Z');
const parse = (...argv: string[]) => parseClusterArgs(argv, at);
const refusal = (...argv: string[]): string => {
  try {
    parse(...argv);
  } catch (err) {
    expect(err).toBeInstanceOf(ClusterArgsError);
    return (err as Error).message;
  }
  throw new Error(`accepted: ${argv.join(' ')}`);
};

describe('npm run cluster arguments', () => {
  it('defaults to 3 nodes on Redis from port 5280, in a fresh schema of the local test database that is dropped on exit', () => {
    expect(parse()).toEqual({
      nodes: 3,
      bus: 'redis',
      busUrl: 'redis://127.0.0.1:6379',
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/test',
      schema: { name: 'cluster_20261202_071509', keep: false },
      host: '127.0.0.1',
      basePort: 5280,
    });
  });

  it('takes NATS at its local address, or any broker URL, the kind read from the URL', () => {
    expect(parse('--bus', 'nats')).toMatchObject({ bus: 'nats', busUrl: 'nats://127.0.0.1:4222' });
    expect(parse('--bus-url', 'nats://10.0.0.5:4222')).toMatchObject({ bus: 'nats', busUrl: 'nats://10.0.0.5:4222' });
    expect(parse('--bus', 'redis', '--bus-url', 'rediss://:pw@cache:6380')).toMatchObject({ bus: 'redis' });
  });

  it('puts the nodes after the proxy port unless --port says otherwise', () => {
    expect(parse('--nodes', '2', '--proxy', '5280')).toMatchObject({ nodes: 2, proxyPort: 5280, basePort: 5281 });
    expect(parse('--proxy', '8080', '--port', '6000')).toMatchObject({ proxyPort: 8080, basePort: 6000 });
  });

  it('uses a given database URL as it is, and a named schema of the default one kept on exit', () => {
    const given = parse('--database-url', 'postgresql://u:p@db/prod');
    expect(given).toMatchObject({ databaseUrl: 'postgresql://u:p@db/prod' });
    expect(given).not.toHaveProperty('schema');
    expect(parse('--schema', 'try_me')).toMatchObject({ schema: { name: 'try_me', keep: true } });
  });

  it('refuses what cannot work, in one line', () => {
    expect(refusal('--nodes', '0')).toBe('--nodes must be an integer from 1 to 16, got "0"');
    expect(refusal('--nodes', 'two')).toMatch(/^--nodes must be an integer/);
    expect(refusal('--bus', 'kafka')).toBe('--bus must be redis or nats, got "kafka"');
    expect(refusal('--bus', 'nats', '--bus-url', 'redis://x')).toBe('--bus nats does not match --bus-url redis://…');
    expect(refusal('--bus-url', 'amqp://x')).toMatch(/^--bus-url must start with redis:\/\//);
    expect(refusal('--database-url', 'sqlite:///tmp/x.db')).toMatch(/nodes cannot share an SQLite file/);
    expect(refusal('--schema', 'Bad-Name')).toMatch(/^--schema must be lower-case/);
    expect(refusal('--schema', 'x', '--database-url', 'postgres://db/x')).toMatch(/search_path/);
    expect(refusal('--proxy', '5281', '--port', '5280')).toBe("--proxy 5281 collides with the nodes' ports 5280-5282");
    expect(refusal('--port', '65534')).toBe('--port 65534 leaves no room for 3 nodes');
    expect(refusal('--nodes')).toMatch(/argument missing/);
    expect(refusal('--verbose')).toMatch(/Unknown option/);
  });

  it('answers help', () => {
    expect(parse('--help')).toBe('help');
  });
});

describe('what the nodes are given', () => {
  it('a database URL whose search_path is the schema, and topics named after it', () => {
    const o = parse();
    if (o === 'help') throw new Error('unexpected');
    expect(new URL(nodeDatabaseUrl(o)).searchParams.get('options')).toBe('-c search_path=cluster_20261202_071509');
    expect(busPrefixOf(o, {})).toBe('cluster_20261202_071509');
    expect(busPrefixOf(o, { PARLEY_BUS_PREFIX: 'mine' })).toBe('mine');
  });

  it('a given database URL untouched, on the default topics', () => {
    const o = parse('--database-url', 'postgres://db/x?sslmode=require');
    if (o === 'help') throw new Error('unexpected');
    expect(nodeDatabaseUrl(o)).toBe('postgres://db/x?sslmode=require');
    expect(busPrefixOf(o, {})).toBe('parley');
  });

  it('fresh schema names sort by time', () => {
    expect(freshSchemaName(new Date('2027-01-09T23:59:59Z'))).toBe('cluster_20270109_235959');
  });
});
