import WebSocket from 'ws';

/**
 * Opens a WebSocket that logs in with the token in its URL and resolves once the server answered
 * `auth.ok`: frames sent before that are refused (`auth.required`), and pushes may not reach it yet.
 */
export function openAuthed(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    const first = (data: WebSocket.RawData) => {
      const text = data.toString();
      if (text.startsWith('{"event":"auth.ok"')) {
        ws.off('message', first);
        resolve(ws);
      } else if (text.includes('"error"')) reject(new Error(`login refused: ${text.slice(0, 200)}`));
    };
    ws.on('message', first);
    ws.once('error', reject);
    ws.once('close', (code) => reject(new Error(`closed with ${code} before auth.ok`)));
  });
}
