/** What every `parley` command reports back: the lines it printed go to stdout as it runs. */
export interface CommandContext {
  /** Progress and results, one line each (stdout). */
  say(line: string): void;
  /** The environment the command reads its defaults from (PARLEY_DATA_DIR, DATABASE_URL…), as the server does. */
  env: Record<string, string | undefined>;
}

/**
 * One `parley` sub-command. `run` resolves on success; it throws `CommandError` with one clear line
 * when it cannot do what was asked (the binary prints it and exits 1). Anything else thrown is a bug.
 */
export interface Command {
  name: string;
  /** One line for `parley help`. */
  summary: string;
  /** The usage line(s) for `parley help <name>`, options included. */
  usage: string;
  run(args: readonly string[], ctx: CommandContext): Promise<void>;
}

export class CommandError extends Error {
  override name = 'CommandError';
}

/**
 * `--name value` and `--name=value` options, and bare `--flag`s (value `true`). Unknown options are
 * refused, so a typo never runs a command with a default the operator did not mean.
 */
export function parseOptions(
  args: readonly string[],
  known: { values?: readonly string[]; flags?: readonly string[] },
): Record<string, string | true> {
  const out: Record<string, string | true> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (!arg.startsWith('--')) throw new CommandError(`unexpected argument: ${arg}`);
    const eq = arg.indexOf('=');
    const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
    if (known.flags?.includes(name)) {
      if (eq >= 0) throw new CommandError(`--${name} takes no value`);
      out[name] = true;
    } else if (known.values?.includes(name)) {
      const value = eq >= 0 ? arg.slice(eq + 1) : args[++i];
      if (value === undefined || value === '') throw new CommandError(`--${name} needs a value`);
      out[name] = value;
    } else throw new CommandError(`unknown option: --${name}`);
  }
  return out;
}
