import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Plugin, transformWithOxc } from 'vite';

const source = fileURLToPath(new URL('./service-worker.ts', import.meta.url));

/** The files the chat app's page needs to start: the page itself and every script and style it names. */
export function shellFiles(html: string): string[] {
  return ['/', ...new Set([...html.matchAll(/\s(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1] as string))];
}

/**
 * Builds sw/service-worker.ts into dist/sw.js, after the pages, with the shell it keeps and a
 * version: a hash of index.html, which names every hashed script and style, so any change to the
 * app makes a new version and an unchanged app the same one.
 */
export function serviceWorker(): Plugin {
  return {
    name: 'parley-service-worker',
    apply: 'build',
    enforce: 'post',
    async generateBundle(_options, bundle) {
      const page = bundle['index.html'];
      if (page?.type !== 'asset') return this.error('The service worker needs the chat page, index.html, in the build');
      const html = String(page.source);
      const shell = { version: createHash('sha256').update(html).digest('hex').slice(0, 16), files: shellFiles(html) };
      const { code } = await transformWithOxc(fs.readFileSync(source, 'utf8'), source, { lang: 'ts' });
      this.emitFile({ type: 'asset', fileName: 'sw.js', source: `const SHELL = ${JSON.stringify(shell)};\n${code}` });
    },
  };
}
