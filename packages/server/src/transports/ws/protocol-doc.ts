import { methods } from './methods.js';

const methodList = Object.entries(methods)
  .map(([name, m]) => `- \`${name}\`: ${m.summary}`)
  .join('\n');

/** The WebSocket protocol as shown on /docs (OpenAPI has no words for it, so it is prose). */
export const wsProtocolDescription = `
Parley's REST API is below. Clients can also live on one WebSocket, \`GET /v1/ws\`; see docs/protocol.md.

**Authenticate** with \`/v1/ws?token=...&deviceId=...&deviceFlag=2\`, or send as the first frame
\`{"id": 1, "method": "auth", "params": {"token": "...", "deviceId": "web-1", "deviceFlag": 2}}\` within 10 s.

**Frames** are JSON text: request \`{"id": 7, "method": "message.send", "params": {...}}\`, response
\`{"id": 7, "result": {...}}\` or \`{"id": 7, "error": {"code", "message", "details?"}}\`, push \`{"event": "message.new", "data": {...}}\`.

**Methods**
${methodList}

**Events**: \`message.new\` (a message from someone else or from another of your devices).
`;
