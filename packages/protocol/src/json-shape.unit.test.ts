import { describe, expect, it } from 'vitest';
import { jsonShapeProblem } from './json-shape.js';

const limits = { maxDepth: 4, maxNodes: 10 };
const nested = (depth: number): unknown => {
  let v: unknown = 0;
  for (let i = 0; i < depth; i++) v = [v];
  return v;
};

describe('jsonShapeProblem', () => {
  it('accepts scalars and documents within both limits', () => {
    for (const v of [null, 1, 'x', true, {}, [], { a: [1, { b: 2 }] }, nested(4)]) expect(jsonShapeProblem(v, limits)).toBeUndefined();
  });

  it('counts nesting from the document itself', () => {
    expect(jsonShapeProblem(nested(5), limits)).toEqual({ kind: 'size', message: 'JSON is nested deeper than 4 levels' });
    expect(jsonShapeProblem({ a: { b: { c: { d: {} } } } }, limits)?.kind).toBe('size');
  });

  it('counts every value once, containers included', () => {
    expect(jsonShapeProblem([1, 2, 3, 4, 5, 6, 7, 8, 9], limits)).toBeUndefined();
    expect(jsonShapeProblem([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], limits)).toEqual({ kind: 'size', message: 'JSON has more than 10 values' });
  });

  it('walks 100 000 levels without recursing', () => {
    const deep = JSON.parse(`${'['.repeat(100_000)}${']'.repeat(100_000)}`);
    expect(jsonShapeProblem(deep, { maxDepth: 32, maxNodes: 1_000_000 })?.kind).toBe('size');
  });

  it('refuses prototype keys wherever they are', () => {
    for (const text of ['{"__proto__":{"x":1}}', '{"a":[{"__proto__":1}]}', '{"constructor":{"prototype":{"x":1}}}']) {
      expect(jsonShapeProblem(JSON.parse(text), { maxDepth: 32, maxNodes: 100 })?.kind, text).toBe('key');
    }
    expect(jsonShapeProblem({ constructor: 'fine', prototype: 1 }, limits)).toBeUndefined();
  });
});
