import type { Socket } from 'node:net';
import { STATUS_CODES } from 'node:http';
import type { ErrorResponse } from '@carechat/protocol';
import type { FastifyError, FastifyInstance } from 'fastify';
import { AppError, toAppError } from '../errors.js';

/**
 * Every error leaves as `{error: {code, message}}`; nothing internal reaches the client.
 * Unknown GETs outside /api fall back to the web app's index (client-side routes).
 */
export function installErrorHandler(app: FastifyInstance, spaIndex: string | null): void {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    let appError: AppError;
    if (err instanceof AppError) appError = err;
    else if (err.code === 'FST_REQ_FILE_TOO_LARGE')
      appError = new AppError('FILE_TOO_LARGE', 'Files can be at most 10 MiB');
    else if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      // 413, the status for it, with the code a client already handles for bad input.
      const limit = Math.ceil((req.routeOptions.bodyLimit ?? 0) / 1024);
      return reply.status(413).send({
        error: { code: 'VALIDATION_FAILED', message: `body: larger than this endpoint takes (${limit} KiB)` },
      });
    } else if (err.code?.startsWith('FST_ERR_CTP') || err.statusCode === 400 || err.statusCode === 415)
      appError = new AppError('VALIDATION_FAILED', 'body: not valid JSON');
    // Any other client error from Fastify or a plugin (multipart limits, content types).
    else if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500)
      appError = new AppError('VALIDATION_FAILED', `body: ${err.code ?? 'not accepted'}`);
    else if (req.raw.aborted) {
      // The client went away mid-body (a closed tab, a lost phone signal, an attacker's
      // abort): nobody to answer, and nothing wrong on our side worth an error and a stack.
      req.log.info({ code: err.code }, 'client closed the request before its body was read');
      appError = new AppError('VALIDATION_FAILED', 'body: the request ended before its body did');
    } else {
      const mapped = toAppError(err);
      appError = mapped.error;
      if (mapped.internal)
        req.log.error({ err: { message: err.message, code: err.code, stack: err.stack } }, 'request failed');
    }
    void reply.status(appError.status).send({ error: appError.toBody() });
  });
  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0] ?? '';
    // A page of the app, not a missing file: "/assets/gone.js" answered with the page would
    // reach a browser as HTML where it expects a script.
    const isPage = !/\.[^/]*$/.test(path);
    if (spaIndex && req.method === 'GET' && isPage && !path.startsWith('/api/') && !path.startsWith('/socket.io'))
      return reply.sendFile(spaIndex);
    return reply.status(404).send({ error: { code: 'NOT_FOUND', message: 'No such endpoint' } });
  });
}

/** What Node's HTTP parser refuses before Fastify sees a request, in the protocol's words. */
const PARSER_ERRORS: Record<string, { status: number; message: string }> = {
  HPE_HEADER_OVERFLOW: { status: 431, message: 'headers: too large' },
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, message: 'request: not received in time' },
};

/**
 * Fastify's `clientErrorHandler`: a request Node's parser refused (headers too large, a
 * request that took too long, malformed HTTP) is answered with the protocol's error body,
 * where Fastify would write its own shape, then the connection is closed.
 */
export function clientErrorHandler(this: FastifyInstance, err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const { status, message } = PARSER_ERRORS[err.code ?? ''] ?? { status: 400, message: 'request: not valid HTTP' };
  const body = JSON.stringify({ error: { code: 'VALIDATION_FAILED', message } } satisfies ErrorResponse);
  this.log.debug({ code: err.code }, 'request refused by the HTTP parser');
  if (socket.writable)
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `Content-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${body}`,
    );
  socket.destroy(err);
}
