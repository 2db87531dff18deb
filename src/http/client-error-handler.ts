import http from 'node:http';
import type { Socket } from 'node:net';

/** Node's refusals of requests it cannot parse, as status and a message for the client. */
function refusalOf(error: NodeJS.ErrnoException): { status: number; message: string } {
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return { status: 408, message: 'The request was not received in time' };
  }
  if (error.code === 'HPE_HEADER_OVERFLOW') {
    return { status: 431, message: 'The request line or headers are too large' };
  }
  return { status: 400, message: 'The HTTP request is malformed' };
}

/**
 * Fastify's `clientErrorHandler`: requests Node refuses before Fastify sees them (malformed
 * request lines or headers, oversize headers, slow senders) are answered in the same error shape
 * as everything else, then the connection is closed. Nothing of the request is echoed.
 */
export function clientErrorHandler(error: NodeJS.ErrnoException, socket: Socket): void {
  // A reset connection has nobody left to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const { status, message } = refusalOf(error);
  const body = JSON.stringify({ errors: [{ message, extensions: { code: 'BAD_REQUEST' } }] });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\n` +
        'Content-Type: application/json; charset=utf-8\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        'Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n' +
        body,
    );
  }
  socket.destroy();
}
