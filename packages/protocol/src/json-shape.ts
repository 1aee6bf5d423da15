/** How deep and how large a JSON document may be before it is refused (see `jsonShapeProblem`). */
export interface JsonShapeLimits {
  /** Nesting levels of objects and arrays; the document itself is level 1. */
  maxDepth: number;
  /** Values of any kind (objects, arrays, strings, numbers, booleans, null), counted once each. */
  maxNodes: number;
}

export interface JsonShapeProblem {
  /** 'size': too deep or too many values (request.too_complex); 'key': a forbidden key (request.invalid). */
  kind: 'size' | 'key';
  message: string;
}

/**
 * Why a parsed JSON value may not be accepted, or undefined when it is fine.
 *
 * JSON.parse copes with any depth, but JSON.stringify, Ajv and every client that re-renders the
 * value recurse: a few kilobytes of `[[[[…]]]]` stored once would make every later read of it throw.
 * So the shape is checked at the edge, iteratively (a recursive check would overflow the same way),
 * before anything is validated, stored or echoed. Keys named `__proto__` (and `constructor` holding
 * `prototype`) are refused as well, as Fastify's parser does: a client that naively merges such a
 * payload into an object would have its prototype replaced.
 */
export function jsonShapeProblem(value: unknown, limits: JsonShapeLimits): JsonShapeProblem | undefined {
  // Two stacks side by side rather than one of {value, depth} pairs: every frame a socket receives
  // is checked, and a pair per value was an object per value of every request.
  const values: unknown[] = [value];
  const depths: number[] = [1];
  let nodes = 0;
  while (values.length > 0) {
    const v = values.pop();
    const depth = depths.pop() as number;
    if (++nodes > limits.maxNodes) return { kind: 'size', message: `JSON has more than ${limits.maxNodes} values` };
    if (v === null || typeof v !== 'object') continue;
    if (depth > limits.maxDepth) return { kind: 'size', message: `JSON is nested deeper than ${limits.maxDepth} levels` };
    if (Array.isArray(v)) {
      for (const item of v) {
        values.push(item);
        depths.push(depth + 1);
      }
      continue;
    }
    for (const key of Object.keys(v)) {
      const child = (v as Record<string, unknown>)[key];
      if (key === '__proto__' || (key === 'constructor' && isObject(child) && Object.hasOwn(child, 'prototype'))) {
        return { kind: 'key', message: `JSON keys named "__proto__", or "constructor" holding "prototype", are not accepted` };
      }
      values.push(child);
      depths.push(depth + 1);
    }
  }
  return undefined;
}

const isObject = (v: unknown): v is object => typeof v === 'object' && v !== null;
