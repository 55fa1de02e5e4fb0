import { createServer } from 'node:net';

import { ConfigError } from '../config/app-config';
import { startFailureMessage } from './start-failure';

/** The error Node gives for a port that cannot be opened (as net.Server#listen raises it). */
function listenError(code: string, address: string, port: number): NodeJS.ErrnoException {
  return Object.assign(new Error(`listen ${code}: ${address}:${port}`), { code, syscall: 'listen', address, port });
}

describe(startFailureMessage.name, () => {
  it('names every bad setting on one line', () => {
    const sut = startFailureMessage(
      new ConfigError('Invalid configuration:\n  PORT: PORT must be an integer number\n  HOST: HOST must be longer'),
    );

    expect(sut).toBe('Invalid configuration: PORT: PORT must be an integer number; HOST: HOST must be longer');
  });

  it('says a port in use is in use, as the server raises it', async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const { port } = holder.address() as { port: number };
    const second = createServer();
    const error = await new Promise<Error>((resolve) => second.once('error', resolve).listen(port, '127.0.0.1'));
    holder.close();

    expect(startFailureMessage(error)).toBe(
      `Cannot start: port ${port} on 127.0.0.1 is already in use: stop the program holding it, or set PORT to a free port`,
    );
  });

  it.each([
    ['EACCES', 'port 80 on 0.0.0.0 needs privileges this process does not have: set PORT to 1024 or above'],
    [
      'EADDRNOTAVAIL',
      'port 80 on 0.0.0.0: 0.0.0.0 is not an address of this machine: set HOST to one that is (0.0.0.0 for all)',
    ],
  ])('explains %s in the operator’s terms', (code, message) => {
    expect(startFailureMessage(listenError(code, '0.0.0.0', 80))).toBe(`Cannot start: ${message}`);
  });

  it('keeps other errors to one line, without a stack', () => {
    expect(startFailureMessage(new Error('connect ECONNREFUSED\n  127.0.0.1:5432'))).toBe(
      'Cannot start: connect ECONNREFUSED 127.0.0.1:5432',
    );
    expect(startFailureMessage(undefined)).toBe('Cannot start: an error without a description was thrown');
  });
});
