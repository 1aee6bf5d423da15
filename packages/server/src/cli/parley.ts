import { type CommandContext, CommandError } from './command.js';
import { commands } from './commands.js';

/** `parley <command> [options]`: the operator's tools beside the server (`parley-server`). */
export async function runCli(argv: readonly string[], ctx: CommandContext): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    const topic = commands.find((c) => c.name === args[0]);
    if (topic) ctx.say(topic.usage);
    else {
      ctx.say('usage: parley <command> [options]   (from the repository: npm run parley -- <command>)');
      for (const c of commands) ctx.say(`  ${c.name.padEnd(22)} ${c.summary}`);
    }
    return 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    console.error(`parley: unknown command "${name}" (parley help lists them)`);
    return 2;
  }
  try {
    await command.run(args, ctx);
    return 0;
  } catch (err) {
    if (err instanceof CommandError) {
      console.error(`parley ${name}: ${err.message}`);
      return 1;
    }
    throw err;
  }
}
