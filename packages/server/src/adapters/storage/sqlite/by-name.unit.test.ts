import Database from 'better-sqlite3';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { positional, prepareByName } from './by-name.js';

describe('@name parameters bound by position', () => {
  it('makes each @name a ? in order, a name written twice given twice', () => {
    expect(positional('SELECT @a, @b_2 WHERE x = @a')).toEqual({ text: 'SELECT ?, ? WHERE x = ?', names: ['a', 'b_2', 'a'] });
  });

  it('leaves @ inside quotes, identifiers and comments alone', () => {
    const sql = `SELECT '@x', 'it''s @y', "@col", [@z], \`@w\` -- @c\n /* @d */ FROM t WHERE u = @uid`;
    const { text, names } = positional(sql);
    expect(names).toEqual(['uid']);
    expect(text).toBe(sql.replace('@uid', '?'));
  });

  it('refuses other kinds of parameters, which would shift the positions', () => {
    for (const sql of ['SELECT ?, @a', 'SELECT ?1', 'SELECT :a', 'SELECT $a', 'SELECT @']) expect(() => positional(sql), sql).toThrow();
  });

  it('binds what better-sqlite3 binds by name, for any values', () => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, a, b, c)');
    const sql = 'INSERT INTO t (a, b, c) VALUES (@a, @b, CASE WHEN @flag THEN @a ELSE @c END) RETURNING a, b, c';
    const byName = prepareByName<{ a: unknown; b: unknown; c: unknown; flag: number }>(db, sql);
    const named = db.prepare(sql);
    const value = fc.oneof(fc.string(), fc.integer(), fc.double({ noNaN: true }), fc.constant(null));
    fc.assert(
      fc.property(value, value, value, fc.integer({ min: 0, max: 1 }), (a, b, c, flag) => {
        const p = { a, b, c, flag, unused: 'x' };
        expect(byName.statement.get(...byName.values(p))).toEqual(named.get({ a, b, c, flag }));
      }),
    );
  });

  it('fails the run when the object lacks a parameter, as a named binding does', () => {
    const db = new Database(':memory:');
    const byName = prepareByName<{ a?: number }>(db, 'SELECT @a AS a');
    expect(() => byName.statement.get(...byName.values({}))).toThrow('missing named parameter "a"');
    expect(() => db.prepare('SELECT @a AS a').get({})).toThrow();
  });

  it('refuses an array value, which would be spread into several parameters', () => {
    const db = new Database(':memory:');
    const byName = prepareByName<{ a: unknown; b: unknown }>(db, 'SELECT @a AS a, @b AS b');
    expect(() => byName.values({ a: [1], b: [] })).toThrow('named parameter "a" is an array');
  });
});
