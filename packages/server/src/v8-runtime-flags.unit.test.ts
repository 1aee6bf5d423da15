import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const src = import.meta.dirname;
const importsOf = (file: string) =>
  fs
    .readFileSync(path.join(src, file), 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('import '));

// ESM evaluates a module's imports in order, depth first: the flags are set before any server module's
// top-level code runs only if their import comes before every other (the bench runner's re-exec aside).
describe('the V8 flags the server sets on itself', () => {
  it("are set by the server's entry point before anything else it imports", () => {
    expect(importsOf('main.ts')[0]).toBe("import './v8-runtime-flags.js';");
  });

  it('are set first in the processes that time server code in the benchmarks', () => {
    expect(importsOf('bench/own-process-entry.ts')[0]).toBe("import '../v8-runtime-flags.js';");
    // The baseline Parley is compared with runs the same V8.
    expect(importsOf('bench/raw-relay.ts')[0]).toBe("import '../v8-runtime-flags.js';");
    expect(importsOf('bench/run.ts').slice(0, 2)).toEqual(["import './server-flags.js';", "import '../v8-runtime-flags.js';"]);
  });
});
