import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { shaped } from './shaped-rows.js';

describe('shaped rows', () => {
  const db = new Database(':memory:');
  db.exec(`
    CREATE TABLE a (id INTEGER PRIMARY KEY, name TEXT, note TEXT, big INTEGER);
    CREATE TABLE b (id INTEGER PRIMARY KEY, a_id INTEGER, name TEXT);
    INSERT INTO a VALUES (1, 'one', NULL, 9007199254740991), (2, 'two', 'x', 0);
    INSERT INTO b VALUES (10, 1, 'b-one');`);
  const sql = [
    'SELECT * FROM a ORDER BY id',
    'SELECT a.*, b.* FROM a LEFT JOIN b ON b.a_id = a.id ORDER BY a.id',
    'SELECT name AS n, id + 1 AS next FROM a WHERE id = @id',
    'UPDATE a SET note = note WHERE id = 1 RETURNING *',
  ];

  it('answers what better-sqlite3 answers as objects, a join repeating column names included', () => {
    for (const text of sql) {
      const params = text.includes('@id') ? [{ id: 2 }] : [];
      const fast = shaped(db.prepare(text));
      expect(fast.all(...params), text).toEqual(db.prepare(text).all(...params));
      expect(fast.get(...params), text).toEqual(db.prepare(text).get(...params));
    }
  });

  it('answers undefined where no row matches', () => {
    expect(shaped(db.prepare('SELECT * FROM a WHERE id = ?')).get(99)).toBeUndefined();
  });

  it('gives every row the same keys in the same order', () => {
    const rows = shaped<Record<string, unknown>>(db.prepare('SELECT a.*, b.* FROM a LEFT JOIN b ON b.a_id = a.id ORDER BY a.id')).all();
    expect(rows.map((r) => Object.keys(r))).toEqual([Object.keys(rows[0] ?? {}), Object.keys(rows[0] ?? {})]);
    expect(rows[0]).toEqual({ id: 10, name: 'b-one', note: null, big: 9007199254740991, a_id: 1 });
  });
});
