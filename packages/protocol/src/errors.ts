import { type Static, Type } from 'typebox';

/**
 * The error catalogue. Codes are stable API: clients switch on them, so a code is never renamed
 * or reused; add new ones instead. `status` is the HTTP status REST answers with; the WebSocket
 * carries the same `code`.
 */
export const ErrorCatalogue = {
  'request.malformed': { status: 400, message: 'The request body is not valid JSON' },
  'request.invalid': { status: 400, message: 'The request does not match the schema' },
  'request.too_large': { status: 413, message: 'The request is larger than allowed' },
  'request.too_complex': { status: 400, message: 'The JSON is nested too deeply or has too many values' },
  'request.url_too_long': { status: 414, message: 'A part of the URL is longer than allowed' },
  'origin.forbidden': { status: 403, message: 'This origin may not open a WebSocket here; see PARLEY_ALLOWED_ORIGINS' },
  'request.unsupported_media_type': { status: 415, message: 'Send JSON with Content-Type: application/json' },
  'route.not_found': { status: 404, message: 'No such endpoint' },
  'method.unknown': { status: 404, message: 'No such WebSocket method' },
  'auth.required': { status: 401, message: 'Authentication is required' },
  'auth.invalid_token': { status: 401, message: 'The token is invalid' },
  'auth.token_expired': { status: 401, message: 'The token has expired' },
  'auth.already_authenticated': { status: 400, message: 'This connection is already authenticated' },
  'auth.admin_required': { status: 403, message: 'The app secret is required for the admin API' },
  'auth.dev_login_disabled': { status: 403, message: 'Dev login is only available in development mode' },
  'dev.disabled': { status: 403, message: 'Development endpoints are only available in development mode' },
  'user.invalid_id': { status: 400, message: 'Ids are 1-64 characters of [A-Za-z0-9_.@-]' },
  'user.not_found': { status: 404, message: 'No such user' },
  'user.reserved_id': { status: 400, message: 'This uid is reserved' },
  'group.not_found': { status: 404, message: 'No such group' },
  'group.already_exists': { status: 409, message: 'A group with this id already exists' },
  'group.dismissed': { status: 409, message: 'The group has been dismissed' },
  'group.not_member': { status: 409, message: 'The user is not a member of the group' },
  'group.owner_cannot_leave': { status: 409, message: 'Transfer ownership before removing the owner' },
  'conversation.invalid_id': { status: 400, message: 'Name a conversation by conversationId, or by channelId and channelType' },
  'conversation.not_found': { status: 404, message: 'No such conversation' },
  'conversation.forbidden': { status: 403, message: 'You do not belong to this conversation' },
  'conversation.pin_limit': { status: 409, message: 'Too many pinned conversations' },
  'conversation.ext_too_large': { status: 400, message: 'ext is larger than allowed' },
  'sync.invalid_token': { status: 400, message: 'The sync token is not one this server issued' },
  'message.not_found': { status: 404, message: 'No such message' },
  'message.forbidden': { status: 403, message: 'You may not change this message' },
  'message.revoke_window_passed': { status: 403, message: 'The time to revoke this message has passed' },
  'message.revoked': { status: 409, message: 'The message was revoked' },
  'message.not_editable': { status: 400, message: 'Only text and custom messages can be edited, keeping their type' },
  'message.edit_limit': { status: 409, message: 'The message was edited too many times' },
  'message.reaction_limit': { status: 409, message: 'The message has too many different reactions' },
  'message.remove_invalid': { status: 400, message: 'Give either beforeTimestamp or messageIds' },
  'file.too_large': { status: 413, message: 'The file is larger than allowed' },
  'file.type_not_allowed': { status: 415, message: 'Files of this type are not accepted' },
  'file.not_found': { status: 404, message: 'No such file' },
  'message.refused': { status: 403, message: 'The message was refused; see details.reasonCode' },
  'rate.limited': { status: 429, message: 'Too many requests' },
  'server.shutting_down': { status: 503, message: 'The server is shutting down' },
  'server.internal': { status: 500, message: 'Internal server error' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ErrorCatalogue;

export const ErrorBody = Type.Object(
  {
    code: Type.String({ description: 'Stable error code from the catalogue', examples: ['request.invalid'] }),
    message: Type.String(),
    details: Type.Optional(Type.Unknown()),
  },
  { title: 'Error', description: 'The one error shape, on REST and WebSocket alike' },
);
export type ErrorBody = Static<typeof ErrorBody>;

/** Thrown by domain code; transports turn it into the documented error shape. */
export class ParleyError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: unknown;

  constructor(code: ErrorCode, message?: string, details?: unknown) {
    super(message ?? ErrorCatalogue[code].message);
    this.name = 'ParleyError';
    this.code = code;
    this.status = ErrorCatalogue[code].status;
    this.details = details;
  }

  toBody(): ErrorBody {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}
