/** `@parley/client/node`: what only Node has (a file system). The rest of the SDK is `@parley/client`. */
export { FileStore } from './file-store.js';
