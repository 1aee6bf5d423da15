import type { Command } from './command.js';

/** Every `parley` sub-command, in the order `parley help` lists them. Add a command here. */
export const commands: readonly Command[] = [];
