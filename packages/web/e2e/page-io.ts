import type { Page } from 'playwright-core';

/** A file to hand to the page, as a test builds it. */
export interface FileSpec {
  name: string;
  mimeType: string;
  buffer: Buffer;
}

/**
 * Pastes files into `selector` (a ClipboardEvent), or drags them over it and drops them (DragEvents), as
 * the browser does when a user pastes a screenshot or drops files from the desktop.
 */
export async function giveFiles(page: Page, selector: string, how: 'paste' | 'drop', files: FileSpec[]): Promise<void> {
  const plain = files.map((f) => ({ name: f.name, type: f.mimeType, bytes: [...f.buffer] }));
  await page.locator(selector).evaluate(
    (target, { how, plain }) => {
      const data = new DataTransfer();
      for (const f of plain) data.items.add(new File([new Uint8Array(f.bytes)], f.name, { type: f.type }));
      const init = { bubbles: true, cancelable: true };
      if (how === 'paste') target.dispatchEvent(new ClipboardEvent('paste', { ...init, clipboardData: data }));
      else for (const type of ['dragenter', 'dragover', 'drop']) target.dispatchEvent(new DragEvent(type, { ...init, dataTransfer: data }));
    },
    { how, plain },
  );
}

/** The requests a page sends over its WebSocket, in order. Start before the socket opens (then reload). */
export function sentRequests(page: Page): Array<{ method: string; params: Record<string, unknown> }> {
  const sent: Array<{ method: string; params: Record<string, unknown> }> = [];
  page.on('websocket', (ws) =>
    ws.on('framesent', (frame) => {
      try {
        const request = JSON.parse(String(frame.payload));
        if (typeof request.method === 'string') sent.push({ method: request.method, params: request.params ?? {} });
      } catch {
        // Not a JSON request (a ping): not one of ours.
      }
    }),
  );
  return sent;
}

/**
 * Starts watching whether an element matching `a` and one matching `b` are ever in the page at once;
 * the answer says whether that happened since. A MutationObserver checks after every change of the
 * DOM, so no state the page could have painted, even for one frame, is missed.
 */
export async function watchOverlap(page: Page, a: string, b: string): Promise<() => Promise<boolean>> {
  await page.evaluate(
    ([a, b]) => {
      const w = window as unknown as { overlapSeen: boolean };
      w.overlapSeen = false;
      const check = () => {
        if (document.querySelector(a as string) && document.querySelector(b as string)) w.overlapSeen = true;
      };
      new MutationObserver(check).observe(document.body, { childList: true, subtree: true, attributes: true });
    },
    [a, b],
  );
  return () => page.evaluate(() => (window as unknown as { overlapSeen: boolean }).overlapSeen);
}
