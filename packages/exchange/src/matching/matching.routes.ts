import { Readable } from 'node:stream';
import { AppError } from '@dinhdanh/kernel';
import type { Officer } from '@dinhdanh/registry';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { adminSecurity } from '../admin/admin-guard.ts';
import type { AgencyAuthenticator } from '../auth/agency-principal.ts';
import { MatchingJob, MatchingJobStatus, MatchingJobSummary } from './matching.schema.ts';
import {
  getMatchingJob,
  listMatchingJobs,
  listMatchingJobsForAdmin,
  type MatchingWorker,
  matchingReport,
} from './matching.service.ts';
import type { MatchingContext, MatchingSettings } from './matching.settings.ts';
import { createMatchingJob } from './matching.upload.ts';

export interface MatchingRoutesOptions {
  ctx: MatchingContext;
  authenticateAgency: AgencyAuthenticator;
  adminGuard: (request: FastifyRequest) => Promise<Officer>;
  /** This process's worker, started at once when an upload is queued. */
  worker?: MatchingWorker | undefined;
  settings?: Partial<MatchingSettings>;
  /** Largest file accepted, in bytes (default 4 GiB). */
  maxUploadBytes?: number;
}

const agencySecurity = [{ agencyDpop: [] }];
const mediaTypes = { csv: 'text/csv', ndjson: 'application/x-ndjson' } as const;
const JobParams = z.object({ jobId: z.string().min(1).max(100) });

/** Counts bytes as they stream, refusing a body past the limit without reading it. */
async function* limited(body: AsyncIterable<Uint8Array>, max: number): AsyncGenerator<Uint8Array> {
  let total = 0;
  for await (const chunk of body) {
    total += chunk.length;
    if (total > max) throw new AppError('ERR_PAYLOAD_TOO_LARGE', `the file is larger than ${max} bytes`);
    yield chunk;
  }
}

/**
 * Bulk matching for agencies (scope exchange.match) and the administrators' list of jobs. The
 * upload is a raw CSV or NDJSON body streamed straight into the job: this route's body never
 * passes through the global body limit or a buffer.
 */
export async function matchingRoutes(app: FastifyInstance, options: MatchingRoutesOptions): Promise<void> {
  const { ctx } = options;
  const api = app.withTypeProvider<ZodTypeProvider>();
  const maxUploadBytes = options.maxUploadBytes ?? 4 * 1024 ** 3;
  // Hands the request stream to the route as it is (scoped to this plugin).
  app.addContentTypeParser([mediaTypes.csv, mediaTypes.ndjson], (_request, payload, done) =>
    done(null, payload),
  );

  api.post(
    '/matching-jobs',
    {
      bodyLimit: maxUploadBytes,
      // A multi-gigabyte upload takes as long as the network needs; each statement stays limited.
      config: { deadlineMs: 0 },
      schema: {
        tags: ['exchange'],
        summary: 'Uploads a file of records (CSV or NDJSON) for matching against the registry',
        description:
          "Columns (CSV header, or the first NDJSON object's keys): idNumber and any comparable fields within the purpose's policy. UTF-8; records up to 65,536 characters.",
        security: agencySecurity,
        querystring: z.object({ purpose: z.string().min(1).max(100) }),
        response: { 202: z.object({ jobId: z.string(), status: MatchingJobStatus }) },
      },
    },
    async (request, reply) => {
      const principal = await options.authenticateAgency(request, 'exchange.match');
      const contentType = String(request.headers['content-type'] ?? '').toLowerCase();
      const charset = /charset=([^;\s]+)/.exec(contentType)?.[1];
      if (charset && charset.replace(/"/g, '') !== 'utf-8')
        throw new AppError('ERR_UNSUPPORTED_MEDIA_TYPE', 'files must be UTF-8');
      const format = contentType.startsWith(mediaTypes.ndjson) ? 'ndjson' : 'csv';
      const job = await createMatchingJob(
        ctx,
        {
          agency: principal.agency,
          purpose: request.query.purpose,
          format,
          body: limited(request.body as AsyncIterable<Uint8Array>, maxUploadBytes),
        },
        { ...options.settings, onQueued: () => options.worker?.kick() },
      );
      return reply.code(202).send({ jobId: job.jobId, status: job.status });
    },
  );

  api.get(
    '/matching-jobs',
    {
      schema: {
        tags: ['exchange'],
        summary: "The agency's matching jobs, newest first",
        security: agencySecurity,
        response: { 200: z.object({ items: z.array(MatchingJob) }) },
      },
    },
    async (request) => {
      const principal = await options.authenticateAgency(request, 'exchange.match');
      return { items: await listMatchingJobs(ctx, { agencyId: principal.agency.agencyId }) };
    },
  );

  api.get(
    '/matching-jobs/:jobId',
    {
      schema: {
        tags: ['exchange'],
        summary: "A matching job's status, progress and summary counts",
        security: agencySecurity,
        params: JobParams,
        response: { 200: MatchingJob },
      },
    },
    async (request) => {
      const principal = await options.authenticateAgency(request, 'exchange.match');
      return getMatchingJob(ctx, principal.agency.agencyId, request.params.jobId);
    },
  );

  api.get(
    '/matching-jobs/:jobId/report',
    {
      // Streamed for as long as the report is; each chunk's statement stays limited.
      config: { deadlineMs: 0 },
      schema: {
        tags: ['exchange'],
        summary: 'The report of a finished job, streamed in the format of the upload',
        description:
          "One line per record: line, idNumber, status, detail, per compared field match|mismatch and, for a mismatch within the policy and with a legal basis or consent, the registry's value. 409 ERR_EXCHANGE_JOB_NOT_READY before the job is done.",
        security: agencySecurity,
        params: JobParams,
      },
    },
    async (request, reply) => {
      const principal = await options.authenticateAgency(request, 'exchange.match');
      const { job, chunks } = await matchingReport(ctx, principal.agency.agencyId, request.params.jobId);
      return reply
        .type(job.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8')
        .header('cache-control', 'no-store')
        .header('content-disposition', `attachment; filename="${job.jobId}.report.${job.format}"`)
        .send(Readable.from(chunks));
    },
  );

  api.get(
    '/admin/jobs',
    {
      onRequest: async (request) => {
        await options.adminGuard(request);
      },
      schema: {
        tags: ['exchange'],
        summary: 'Matching jobs of every agency, newest first (administrators)',
        security: adminSecurity,
        querystring: z.object({
          agencyId: z.string().max(100).optional(),
          status: MatchingJobStatus.optional(),
          limit: z.coerce.number().int().min(1).max(500).default(100),
        }),
        response: { 200: z.object({ items: z.array(MatchingJobSummary) }) },
      },
    },
    async (request) => ({
      items: await listMatchingJobsForAdmin(ctx, {
        agencyId: request.query.agencyId,
        status: request.query.status,
        limit: request.query.limit,
      }),
    }),
  );
}
