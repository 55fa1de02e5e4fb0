import { QueryFailedError } from 'typeorm';

import { replicaFailure } from './replica-failure';

const pgError = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe(replicaFailure.name, () => {
  it.each([
    ['connection refused', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5433'), { code: 'ECONNREFUSED' })],
    ['a connection reset', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })],
    ['a broken connection', new Error('Connection terminated unexpectedly')],
    ['a pool connect timeout', new Error('timeout exceeded when trying to connect')],
    ['an immediate shutdown (57P01)', pgError('57P01', 'terminating connection due to administrator command')],
    ['a crash shutdown (57P02)', pgError('57P02')],
    ['a starting server (57P03)', pgError('57P03', 'the database system is starting up')],
    ['too many connections (53300)', pgError('53300')],
    ['a connection exception class 08', pgError('08006')],
  ])('leaves the replica on %s', (_, error) => {
    expect(replicaFailure(error)).toBe('unreachable');
  });

  it('retries a recovery conflict and a write that reached the standby, keeping the replica', () => {
    expect(replicaFailure(pgError('40001', 'canceling statement due to conflict with recovery'))).toBe('conflict');
    expect(replicaFailure(pgError('25006', 'cannot execute INSERT in a read-only transaction'))).toBe('read-only');
  });

  it('reads the driver error inside a TypeORM QueryFailedError', () => {
    const error = new QueryFailedError('SELECT 1', [], pgError('57P01'));
    expect(replicaFailure(error)).toBe('unreachable');
  });

  it.each([
    ['a statement timeout (57014)', pgError('57014', 'canceling statement due to statement timeout')],
    ['a syntax error', pgError('42601')],
    ['a unique violation', pgError('23505')],
    ['a plain error', new Error('boom')],
    ['a non-error', 'text'],
  ])('does not retry %s: the statement’s own error', (_, error) => {
    expect(replicaFailure(error)).toBeUndefined();
  });
});
