import { ArgumentsHost, Logger, NotFoundException } from '@nestjs/common';

import { coreError, CoreErrorCode } from './core.errors';
import { ProblemExceptionFilter } from './problem-exception.filter';

function hostFor(reply: { status: jest.Mock; header: jest.Mock; send: jest.Mock }): ArgumentsHost {
  const request = { url: '/api/v1/x?y=1', id: 'req-1' };
  return { switchToHttp: () => ({ getRequest: () => request, getResponse: () => reply }) } as unknown as ArgumentsHost;
}

function replyMock() {
  const reply = { status: jest.fn(), header: jest.fn(), send: jest.fn() };
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
});
