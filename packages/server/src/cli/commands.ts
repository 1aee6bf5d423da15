import { backupCommand } from './backup.js';
import type { Command } from './command.js';
import { migrateToPostgres } from './migrate-to-postgres.js';
import { restoreCommand } from './restore.js';

/** Every `parley` sub-command, in the order `parley help` lists them. Add a command here. */
export const commands: readonly Command[] = [migrateToPostgres, backupCommand, restoreCommand];
