import { ClientMsgNo, MessageHeader, Payload, ReasonCode } from '@parley/protocol';
import type { TObject, TSchema } from 'typebox';
import { Compile, type Validator } from 'typebox/compile';

const compiled = new WeakMap<TSchema, Validator>();

function fits(schema: TSchema, value: unknown): boolean {
  let validator = compiled.get(schema);
  if (!validator) {
    validator = Compile(schema);
    compiled.set(schema, validator);
  }
  return validator.Check(value);
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isChannelType = (v: unknown): boolean => v === 1 || v === 2 || v === 3 || v === 4;

/**
 * The order a send with several of these faults is answered in: first what identifies the send
 * (its clientMsgNo) and where it goes, then its content (9 before 16, as the send path checks a
 * schema-valid send), the header last.
 */
const PRECEDENCE: readonly number[] = [
  ReasonCode.ReasonClientKeyIsEmpty,
  ReasonCode.ReasonNotSupportChannelType,
  ReasonCode.ReasonPayloadDecodeError,
  ReasonCode.ReasonChannelIDError,
  ReasonCode.ReasonNotSupportHeader,
];

/**
 * Why a send that failed its schema is refused, as the seed's reason code (WuKongIM's table), when
 * every fault is of a kind the table names: clientMsgNo missing or empty (21), channelType not
 * 1..4 (23), payload not an object with an integer `type` (9), channelId not an id (16), a header
 * field the header does not have (20). Undefined when any fault is of another kind (an unknown
 * top-level field, a wrong-typed setting, a clientMsgNo that is not a usable string, ...): that
 * stays `request.invalid`. `schema` is the send's body schema (SendParams, or the admin API's).
 */
export function invalidSendReason(params: unknown, schema: TObject): number | undefined {
  if (!isRecord(params)) return undefined;
  const properties = schema.properties as Record<string, TSchema>;
  const required = new Set<string>(schema.required ?? []);
  const faults = new Set<number>();
  for (const [key, value] of Object.entries(params)) {
    if (!Object.hasOwn(properties, key)) return undefined;
    if (value === undefined) continue;
    if (key === 'clientMsgNo' || key === 'channelType' || key === 'channelId' || key === 'payload' || key === 'header') continue;
    if (!fits(properties[key] as TSchema, value)) return undefined;
  }
  const clientMsgNo = params.clientMsgNo;
  if (clientMsgNo === undefined ? required.has('clientMsgNo') : clientMsgNo === '') faults.add(ReasonCode.ReasonClientKeyIsEmpty);
  else if (clientMsgNo !== undefined && !fits(ClientMsgNo, clientMsgNo)) return undefined;
  if (!isChannelType(params.channelType)) faults.add(ReasonCode.ReasonNotSupportChannelType);
  if (!fits(properties.channelId as TSchema, params.channelId)) faults.add(ReasonCode.ReasonChannelIDError);
  if (!fits(Payload, params.payload)) faults.add(ReasonCode.ReasonPayloadDecodeError);
  const header = params.header;
  if (header !== undefined) {
    if (!isRecord(header)) return undefined;
    const known = Object.fromEntries(Object.entries(header).filter(([key]) => Object.hasOwn(MessageHeader.properties, key)));
    if (!fits(MessageHeader, known)) return undefined;
    if (Object.keys(known).length < Object.keys(header).length) faults.add(ReasonCode.ReasonNotSupportHeader);
  }
  return PRECEDENCE.find((reason) => faults.has(reason));
}

/** The clientMsgNo a refused ack can echo: the one sent if it is a usable one, else ''. */
export const echoedClientMsgNo = (params: unknown): string =>
  isRecord(params) && fits(ClientMsgNo, params.clientMsgNo) ? (params.clientMsgNo as string) : '';
