import { createInterface } from 'node:readline';

/**
 * A password for a command: typed at the terminal without echo (prompts on stderr), or, when
 * standard input is not a terminal, its first line (e.g. `printf '%s\n' "$PW" | npm run …`).
 * Never an argument: those show in `ps` and in shell history. Undefined if input ended first.
 */
export async function readPassword(prompt: string): Promise<string | undefined> {
  return process.stdin.isTTY ? readHidden(prompt) : readFirstLine();
}

async function readFirstLine(): Promise<string | undefined> {
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity, terminal: false });
  try {
    for await (const line of lines) return line;
    return undefined;
  } finally {
    lines.close();
    process.stdin.destroy(); // the rest, if any, is not read
  }
}

/** Raw mode: characters are read one by one and not echoed; Enter ends, Ctrl-C or Ctrl-D cancel. */
async function readHidden(prompt: string): Promise<string | undefined> {
  const input = process.stdin;
  process.stderr.write(prompt);
  input.setRawMode(true);
  input.setEncoding('utf8');
  input.resume();
  try {
    return await new Promise<string | undefined>((resolve) => {
      let value = '';
      const onData = (chunk: string): void => {
        for (const ch of chunk) {
          if (ch === '\r' || ch === '\n') return done(value);
          if (ch === '\u0003' || ch === '\u0004') return done(undefined);
          if (ch === '\u007f' || ch === '\b') value = Array.from(value).slice(0, -1).join('');
          else if (ch === '\u001b')
            return; // an escape sequence (arrow keys): the rest of the chunk is its
          else if (ch >= ' ') value += ch;
        }
      };
      const done = (result: string | undefined): void => {
        input.off('data', onData);
        resolve(result);
      };
      input.on('data', onData);
    });
  } finally {
    input.setRawMode(false);
    input.pause();
    process.stderr.write('\n');
  }
}
