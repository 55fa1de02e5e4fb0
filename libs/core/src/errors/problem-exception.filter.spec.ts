import { ArgumentsHost, BadRequestException, Logger, NotFoundException } from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';

import { coreError, CoreErrorCode } from './core.errors';
import { ProblemExceptionFilter } from './problem-exception.filter';

function hostFor(reply: {
  status: jest.Mock;
  header: jest.Mock;
  send: jest.Mock;
  hasHeader: jest.Mock;
}): ArgumentsHost {
  const request = { url: '/api/v1/x?y=1', id: 'req-1' };
  return { switchToHttp: () => ({ getRequest: () => request, getResponse: () => reply }) } as unknown as ArgumentsHost;
}

function replyMock() {
  const reply = { status: jest.fn(), header: jest.fn(), send: jest.fn(), hasHeader: jest.fn().mockReturnValue(false) };
  reply.status.mockReturnValue(reply);
  reply.header.mockReturnValue(reply);
  return reply;
}

describe(ProblemExceptionFilter.name, () => {
  const sut = new ProblemExceptionFilter();

  it('replies to a domain error with its status and code', () => {
    const reply = replyMock();
    sut.catch(coreError(CoreErrorCode.InvalidCursor, 'bad'), hostFor(reply));
    expect(reply.status).toHaveBeenCalledWith(400);
    expect(reply.header).toHaveBeenCalledWith('content-type', 'application/problem+json');
    expect(reply.send.mock.calls[0][0]).toMatchObject({
      code: 'INVALID_CURSOR',
      detail: 'bad',
      instance: '/api/v1/x',
      requestId: 'req-1',
    });
  });

  it('maps framework client errors by status', () => {
    const reply = replyMock();
    sut.catch(new NotFoundException(), hostFor(reply));
    expect(reply.send.mock.calls[0][0]).toMatchObject({ status: 404, code: 'ROUTE_NOT_FOUND' });
  });

  it.each([
    ['a throttler refusal', new ThrottlerException(), 429],
    ['a bad request that names its class', new BadRequestException('SyntaxError: Unexpected token'), 400],
    ['a Fastify error constant', Object.assign(new Error('FST_ERR_CTP_INVALID_TYPE'), { statusCode: 415 }), 415],
  ])('answers %s with a plain sentence, naming no class or library', (_name, error, status) => {
    const reply = replyMock();
    sut.catch(error, hostFor(reply));
    const body = reply.send.mock.calls[0][0];
    expect(body.status).toBe(status);
    expect(body.detail).toMatch(/^[A-Z][^:]*\.$/);
    expect(body.detail).not.toMatch(/Exception|Error|Throttler|FST_/);
  });

  it('keeps a framework message that is a plain sentence about the request', () => {
    const reply = replyMock();
    sut.catch(new BadRequestException('Validation failed (uuid is expected)'), hostFor(reply));
    expect(reply.send.mock.calls[0][0].detail).toBe('Validation failed (uuid is expected)');
  });

  it('answers an unexpected error with a bare 500, logs it, and leaks nothing of it', () => {
    const log = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const reply = replyMock();
    const error = Object.assign(new Error('duplicate key value violates unique constraint "secret_idx"'), {
      parameters: ['11010519491231002X'],
    });
    sut.catch(error, hostFor(reply));
    const body = reply.send.mock.calls[0][0];
    expect(body).toMatchObject({ status: 500, code: 'INTERNAL_ERROR' });
    expect(JSON.stringify(body)).not.toMatch(/secret_idx|11010519491231002X/);
    expect(log).toHaveBeenCalledTimes(1);
    expect(JSON.stringify(log.mock.calls[0])).toContain('secret_idx');
    expect(JSON.stringify(log.mock.calls[0])).not.toContain('11010519491231002X');
    log.mockRestore();
  });

  it('answers a lost database connection with 503', () => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const reply = replyMock();
    sut.catch(Object.assign(new Error('Connection terminated unexpectedly'), {}), hostFor(reply));
    expect(reply.send.mock.calls[0][0]).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE' });
  });

  const socketError = (code: string, message: string) => Object.assign(new Error(message), { code });
  it.each([
    ['a reset connection', socketError('ECONNRESET', 'read ECONNRESET')],
    ['a refused connection', socketError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432')],
    ['a pool timeout', new Error('timeout exceeded when trying to connect')],
    ['a pool being closed', new Error('Cannot use a pool after calling end on the pool')],
    ['a client after a connection error', new Error('Client has encountered a connection error and is not queryable')],
    ['an administrator shutdown (57P01)', socketError('57P01', 'terminating connection due to administrator command')],
    ['a server shutting down (57P03)', socketError('57P03', 'the database system is shutting down')],
    ['a connection failure (08006)', socketError('08006', 'connection failure')],
    ['too many connections (53300)', socketError('53300', 'sorry, too many clients already')],
    [
      'a statement timeout wrapped by TypeORM',
      Object.assign(new Error('canceling statement due to statement timeout'), { driverError: { code: '57014' } }),
    ],
    ['a deadlock (40P01)', socketError('40P01', 'deadlock detected')],
    [
      'a query runner released after its connection broke',
      new Error(
        'Database connection provided by a query runner was already released, cannot continue to use its querying methods anymore.',
      ),
    ],
  ])('answers %s with a 503 problem carrying Retry-After', (_name, error) => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const reply = replyMock();
    sut.catch(error, hostFor(reply));
    expect(reply.send.mock.calls[0][0]).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE' });
    expect(reply.header).toHaveBeenCalledWith('retry-after', '2');
  });

  it('sends Retry-After with a 409 while the first request with an Idempotency-Key runs', () => {
    const reply = replyMock();
    sut.catch(coreError(CoreErrorCode.IdempotencyInProgress), hostFor(reply));
    expect(reply.status).toHaveBeenCalledWith(409);
    expect(reply.header).toHaveBeenCalledWith('retry-after', '1');
  });

  it('keeps a Retry-After already set (a rate limiter knows its window)', () => {
    const reply = replyMock();
    reply.hasHeader.mockReturnValue(true);
    sut.catch(coreError(CoreErrorCode.TooManyRequests), hostFor(reply));
    expect(reply.header).not.toHaveBeenCalledWith('retry-after', expect.anything());
  });
});
