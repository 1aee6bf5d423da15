// Bundles @parley/client for the browser (minified, `ws` left out: browsers have WebSocket) and prints
// its size, raw and gzipped.
import { gzipSync } from 'node:zlib';
import { build } from 'rolldown';

const result = await build({
  input: 'packages/client/dist/index.js',
  platform: 'browser',
  external: ['ws'],
  output: { minify: true, format: 'esm' },
  write: false,
});
const code = result.output[0].code;
console.log(`@parley/client browser bundle: ${code.length} bytes minified, ${gzipSync(code).length} bytes gzipped`);
