export * from './conversation-id.js';
export * from './errors.js';
export * from './ids.js';
export * from './reason-codes.js';
export * from './schemas/admin.js';
export * from './schemas/auth.js';
export * from './schemas/frames.js';
export * from './schemas/message.js';
