import { databaseFault } from '@dinhdanh/db';
import { AppError, isAppError, type Logger, toProblem } from '@dinhdanh/kernel';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';

/** Maps anything thrown in a request to a catalogued AppError. Unknown errors become ERR_INTERNAL. */
export function toAppError(error: unknown): AppError {
  if (isAppError(error)) return error;
  if (hasZodFastifySchemaValidationErrors(error)) {
    const detail = error.validation
      .map(
        (issue) =>
          `${issue.instancePath.replace(/^\//, '').replace(/\//g, '.') || error.validationContext || 'body'}: ${issue.message}`,
      )
      .join('; ');
    return new AppError('ERR_VALIDATION', detail);
  }
  const fastifyError = error as FastifyError;
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError('ERR_MALFORMED_JSON', fastifyError.message);
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('ERR_PAYLOAD_TOO_LARGE');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('ERR_UNSUPPORTED_MEDIA_TYPE');
    case 'FST_ERR_VALIDATION':
      return new AppError('ERR_VALIDATION', fastifyError.message);
  }
  if (fastifyError.statusCode === 429) return new AppError('ERR_RATE_LIMITED');
  if (error instanceof SyntaxError && fastifyError.statusCode === 400)
    return new AppError('ERR_MALFORMED_JSON');
  if ((error as { code?: string }).code === '40001') return new AppError('ERR_CONFLICT');
  // The database away, or a statement, lock or pool wait past its limit: the caller retries later.
  const fault = databaseFault(error);
  if (fault === 'timeout')
    return new AppError('ERR_DEADLINE_EXCEEDED', undefined, undefined, { cause: error });
  if (fault === 'unavailable' || isRedisUnavailable(error))
    return new AppError('ERR_UNAVAILABLE', undefined, undefined, { cause: error });
  return new AppError('ERR_INTERNAL', undefined, undefined, { cause: error });
}

/** ioredis gives up on a command while Redis is away (after its retries) or the link is closed. */
function isRedisUnavailable(error: unknown): boolean {
  const { name, message } = error as { name?: unknown; message?: unknown };
  return (
    name === 'MaxRetriesPerRequestError' ||
    (typeof message === 'string' &&
      (message === 'Connection is closed.' || message.startsWith("Stream isn't writeable")))
  );
}

/** Seconds a client should wait before retrying a 503: long enough for a restart to finish. */
export const RETRY_AFTER_SECONDS = 2;

export function preferredLanguage(request: FastifyRequest): 'vi' | 'en' {
  const header = request.headers['accept-language'];
  return typeof header === 'string' && /^en\b/i.test(header.trim()) ? 'en' : 'vi';
}

export function sendProblem(request: FastifyRequest, reply: FastifyReply, error: AppError, logger: Logger) {
  if (error.status === 503) {
    // Expected while the database is away or overloaded: one short line, no stack per request.
    const cause = error.cause as { code?: unknown; message?: unknown } | undefined;
    logger.warn(
      { reqId: request.id, code: error.code, cause: cause ? String(cause.code ?? cause.message) : undefined },
      'request not served',
    );
  } else if (error.status >= 500) {
    // Full detail stays in the server log, keyed by the request id the client sees.
    logger.error({ reqId: request.id, err: error.cause ?? error }, 'request failed');
  }
  // Every 503 is temporary by construction (database away, deadline, overload): say when to retry.
  if (error.status === 503) reply.header('retry-after', String(RETRY_AFTER_SECONDS));
  return reply
    .code(error.status)
    .type('application/problem+json')
    .header('content-language', preferredLanguage(request))
    .send(toProblem(error, preferredLanguage(request), request.id));
}
