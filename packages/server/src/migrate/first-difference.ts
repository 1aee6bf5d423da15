const MAX_SHOWN = 80;

const shown = (value: unknown): string => {
  const text = value === undefined ? 'nothing' : JSON.stringify(value);
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}…` : text;
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Where two JSON-like values first differ, as `path: a ≠ b` (`path` like `conversations[3].unreadCount`),
 * or undefined when they are equal. Object keys compare as sets (their order is no difference), and a
 * key holding undefined is the same as a missing one, as JSON would have it.
 */
export function firstDifference(a: unknown, b: unknown, path = ''): string | undefined {
  if (Object.is(a, b)) return undefined;
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const inner = firstDifference(a[i], b[i], `${path}[${i}]`);
      if (inner) return inner;
    }
    if (a.length !== b.length) return `${path || 'list'}: length ${a.length} ≠ ${b.length}`;
    return undefined;
  }
  if (isObject(a) && isObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    for (const key of keys) {
      const inner = firstDifference(a[key], b[key], path ? `${path}.${key}` : key);
      if (inner) return inner;
    }
    return undefined;
  }
  return `${path || 'value'}: ${shown(a)} ≠ ${shown(b)}`;
}
