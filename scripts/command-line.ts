import { readFileSync } from 'node:fs';
import { parseArgs, ParseArgsConfig } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;
const HELP_OPTION = { help: { type: 'boolean', short: 'h' } } as const;

/** What a command accepts, and its `--help` text. */
export interface Command<O extends Options> {
  /** The whole `--help` text: the usage line(s) first, then what it does, its options and exit status. */
  help: string;
  options?: O;
  /** How many positional arguments it takes (default: none). */
  positionals?: { min: number; max: number; name: string };
}

/**
 * The one argument parser of the npm commands (scripts/, bench/), run before the command does
 * anything: `--help` or `-h` prints the help on stdout and exits with 0; an unknown option, a
 * missing or extra argument or a bad value prints what is wrong and the help on stderr and exits
 * with 2 (node:util parseArgs, strict). Returns the parsed options and positionals.
 */
export function parseCommandLine<O extends Options = Record<never, never>>(
  command: Command<O>,
  argv: string[] = process.argv.slice(2),
) {
  const help = command.help.trimEnd() + '\n';
  const beforeTerminator = argv.includes('--') ? argv.slice(0, argv.indexOf('--')) : argv;
  if (beforeTerminator.some((arg) => arg === '--help' || arg === '-h')) {
    process.stdout.write(help);
    process.exit(0);
  }
  const { min, max, name } = command.positionals ?? { min: 0, max: 0, name: '' };
  try {
    const parsed = parseArgs({
      args: argv,
      options: { ...(command.options as O), ...HELP_OPTION },
      strict: true,
      allowPositionals: max > 0,
    });
    if (parsed.positionals.length < min) throw new Error(`missing ${name}`);
    if (parsed.positionals.length > max) {
      throw new Error(`unexpected argument '${parsed.positionals[max]}'`);
    }
    return parsed;
  } catch (error) {
    return usageError(help, error instanceof Error ? error.message : String(error));
  }
}

/** Refuses the command line: what is wrong, then the help, on stderr; exit status 2. */
export function usageError(help: string, problem: string): never {
  process.stderr.write(`${problem.replace(/\.?$/, '')}\n\n${help.trimEnd()}\n`);
  process.exit(2);
}

/**
 * The first doc comment of a file, as plain text: a benchmark's header, which says what it measures
 * and the settings it reads, is its `--help` (the compiled file keeps it).
 */
export function docCommentOf(file: string): string {
  const match = /\/\*\*([\s\S]*?)\*\//.exec(readFileSync(file, 'utf8'));
  if (!match) return '';
  return match[1]
    .split('\n')
    .map((line) => line.replace(/^\s*\* ?/, ''))
    .join('\n')
    .trim();
}

/** The command line of a benchmark: no arguments (its settings are environment variables), `--help`. */
export function benchCommandLine(file: string, npmScript: string): void {
  parseCommandLine({
    help: `usage: npm run ${npmScript}   (settings in the environment; no arguments)\n\n${docCommentOf(file)}`,
  });
}
