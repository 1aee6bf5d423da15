import { describe, expect, it } from 'vitest';
import { available, LONG, useWebApp } from './harness.js';
import { type FileSpec, giveFiles } from './page-io.js';
import { noisePng } from './png.js';

const UPLOAD_LIMIT = 100_000;
// A PDF's first bytes, then filler to a known size: enough for the server, which goes by the type.
const pdf = (name: string, size: number): FileSpec => ({
  name,
  mimeType: 'application/pdf',
  buffer: Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(size - 9, 0x20)]),
});
const png = (name: string): FileSpec => ({ name, mimeType: 'image/png', buffer: noisePng(64, 48) });

describe.skipIf(!available)('web app: files', () => {
  const app = useWebApp({ PARLEY_UPLOAD_MAX_BYTES: String(UPLOAD_LIMIT) });

  it(
    'a file of any accepted type goes as a file (name, size, download link), an image as an image; a refused or too large file says why',
    async () => {
      const ann = await app.signIn('ann');
      const ben = await app.signIn('ben');
      await ann.newChat('ben');

      await ann.page.locator('input[type=file]').setInputFiles([pdf('report.pdf', 1234)]);
      const sent = ann.page.locator('.row.mine', { has: ann.page.locator('.file-name', { hasText: 'report.pdf' }) });
      await sent.locator('.state', { hasText: 'Sent' }).waitFor();
      expect(await sent.locator('img').count(), 'a PDF is no image').toBe(0);
      await sent.locator('.file-size', { hasText: '1.2 KB' }).waitFor();
      const link = sent.getByRole('link', { name: 'Download report.pdf' });
      expect(await link.getAttribute('download')).toBe('report.pdf');
      expect(await link.getAttribute('href')).toMatch(/^\/v1\/files\/\w+/);

      await ben.item('p2p|ann').locator('.conversation-preview', { hasText: '[File] report.pdf' }).waitFor();
      await ben.open('p2p|ann');
      const got = ben.page.getByRole('link', { name: 'Download report.pdf' });
      await got.waitFor();
      const href = (await got.getAttribute('href')) as string;
      const bytes = await ben.page.evaluate(async (url) => [...new Uint8Array(await (await fetch(url)).arrayBuffer())], href);
      expect(Buffer.from(bytes).equals(pdf('report.pdf', 1234).buffer), 'the download is the file sent').toBe(true);

      await ann.page.locator('input[type=file]').setInputFiles([png('dot.png')]);
      await ben.page.waitForFunction(
        () => (document.querySelector<HTMLImageElement>('.messages .row img.image')?.naturalWidth ?? 0) === 64,
      );

      // The server refuses HTML (a browser would run it); the upload fails with its reason.
      ann.allowErrors(/Failed to load resource/);
      await ann.page
        .locator('input[type=file]')
        .setInputFiles([{ name: 'page.html', mimeType: 'text/html', buffer: Buffer.from('<p>hi</p>') }]);
      await ann.page.locator('.toast', { hasText: 'Sending page.html failed: Files of type text/html are not accepted' }).waitFor();
      // Over the server's limit: refused before a byte is sent.
      await ann.page.locator('input[type=file]').setInputFiles([pdf('big.pdf', 150_000)]);
      await ann.page.locator('.toast', { hasText: 'big.pdf is 146 KB; files are limited to 98 KB.' }).waitFor();
      await ann.page.locator('.bubble.uploading').waitFor({ state: 'detached' });
      expect(await ann.page.locator('.row.mine').count(), 'nothing else was sent').toBe(2);
      await ann.shot('13-file-bubble');
    },
    LONG,
  );

  it(
    'an image pasted into the composer, and images and files dropped onto the chat, are sent',
    async () => {
      const cleo = await app.signIn('cleo');
      const dan = await app.signIn('dan');
      await cleo.newChat('dan');

      await giveFiles(cleo.page, 'textarea[aria-label="Message"]', 'paste', [png('pasted.png')]);
      await dan.item('p2p|cleo').locator('.conversation-preview', { hasText: '[Image]' }).waitFor();
      await cleo.page.locator('.row.mine[data-seq] img.image[alt="pasted.png"]').waitFor();

      await giveFiles(cleo.page, '.messages', 'drop', [png('dropped.png'), pdf('notes.pdf', 2048)]);
      await cleo.page.locator('.row.mine img.image[alt="dropped.png"]').waitFor();
      await cleo.page.locator('.row.mine .file-name', { hasText: 'notes.pdf' }).waitFor();

      await dan.open('p2p|cleo');
      await dan.page.locator('.row img.image[alt="pasted.png"]').waitFor();
      await dan.page.locator('.row img.image[alt="dropped.png"]').waitFor();
      await dan.page.getByRole('link', { name: 'Download notes.pdf' }).waitFor();
      expect(await cleo.page.locator('.row.mine').count()).toBe(3);
    },
    LONG,
  );
});
