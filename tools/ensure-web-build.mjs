// `npm start` runs this: it builds the web app and the admin console when packages/web/dist is missing or older than the
// sources it is built from, so a fresh checkout (or a pull) serves the current app without a separate step.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
// Both pages of the build: the chat app and the admin console (a build from before the console has none).
const pages = ['packages/web/dist/index.html', 'packages/web/dist/admin.html'].map((p) => path.join(root, p));
const sources = [
  'packages/web/src',
  'packages/web/index.html',
  'packages/web/admin.html',
  'packages/web/vite.config.ts',
  'packages/web/sw',
  'packages/client/src',
  'packages/protocol/src',
];

function newest(p) {
  const stat = fs.statSync(path.join(root, p));
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...fs.readdirSync(path.join(root, p)).map((name) => newest(path.join(p, name))));
}

const builtAt = pages.every((p) => fs.existsSync(p)) ? Math.min(...pages.map((p) => fs.statSync(p).mtimeMs)) : 0;
if (builtAt < Math.max(...sources.map(newest))) {
  console.log(builtAt ? 'The web app changed since its build: rebuilding it…' : 'Building the web app (first start)…');
  execFileSync('npm', ['run', 'build', '--silent', '-w', 'packages/web'], { cwd: root, stdio: 'inherit' });
}
