import { ContentType, type Payload } from '@parley/protocol';
import type { Limits } from '../../config.js';

const isString = (v: unknown): v is string => typeof v === 'string';
const isCount = (v: unknown): boolean => Number.isInteger(v) && (v as number) >= 0;
const isUrl = (v: unknown): boolean => isString(v) && v.length > 0 && v.length <= 2048;

/** Per content type: the fields a client may rely on when rendering. Custom types (1000+) are free-form. */
const rules: Record<number, (p: Record<string, unknown>) => boolean> = {
  [ContentType.Text]: (p) => isString(p.content) && p.content.length > 0,
  [ContentType.Image]: (p) => isUrl(p.url) && isCount(p.width) && isCount(p.height) && (p.size === undefined || isCount(p.size)),
  [ContentType.File]: (p) => isUrl(p.url) && (p.name === undefined || isString(p.name)) && (p.size === undefined || isCount(p.size)),
  [ContentType.Voice]: (p) => isUrl(p.url) && (p.duration === undefined || isCount(p.duration)),
  [ContentType.Video]: (p) => isUrl(p.url) && (p.duration === undefined || isCount(p.duration)),
  [ContentType.Location]: (p) =>
    typeof p.latitude === 'number' && Math.abs(p.latitude) <= 90 && typeof p.longitude === 'number' && Math.abs(p.longitude) <= 180,
};

/**
 * Why a payload is refused (ReasonPayloadDecodeError), or undefined when it is fine.
 * Returns the serialized payload too, so the send path serializes exactly once.
 */
export function checkPayload(payload: Payload, limits: Limits): { error: string } | { json: string } {
  const type = payload.type;
  const json = JSON.stringify(payload);
  // A UTF-16 code unit is at most 3 bytes of UTF-8: most payloads are measured without encoding them.
  if (json.length * 3 > limits.payloadMaxBytes && Buffer.byteLength(json) > limits.payloadMaxBytes)
    return { error: `payload is larger than ${limits.payloadMaxBytes} bytes` };
  if (type >= ContentType.CustomMin) return { json };
  const rule = rules[type];
  if (!rule) return { error: `unknown content type ${type}` };
  if (!rule(payload as Record<string, unknown>)) return { error: `payload does not fit content type ${type}` };
  if (type === ContentType.Text && ((payload as Record<string, unknown>).content as string).length > limits.textMaxChars) {
    return { error: `text is longer than ${limits.textMaxChars} characters` };
  }
  return { json };
}
