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
  return new AppError('ERR_INTERNAL', undefined, undefined, { cause: error });
}

export function preferredLanguage(request: FastifyRequest): 'vi' | 'en' {
  const header = request.headers['accept-language'];
  return typeof header === 'string' && /^en\b/i.test(header.trim()) ? 'en' : 'vi';
}

export function sendProblem(request: FastifyRequest, reply: FastifyReply, error: AppError, logger: Logger) {
  if (error.status >= 500) {
    // Full detail stays in the server log, keyed by the request id the client sees.
    logger.error({ reqId: request.id, err: error.cause ?? error }, 'request failed');
  }
  return reply
    .code(error.status)
    .type('application/problem+json')
    .header('content-language', preferredLanguage(request))
    .send(toProblem(error, preferredLanguage(request), request.id));
}
