import { accessLog, accessLogEntryProof, accessLogProofSubject } from '@dinhdanh/audit';
import type { Db } from '@dinhdanh/db';
import { AppError } from '@dinhdanh/kernel';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AdminUnits } from '../admin-unit/admin-units.ts';
import {
  AccessLogItem,
  AccessLogQuery,
  type ActorDirectory,
  presentAccessLog,
} from '../audit/access-log.presenter.ts';

export interface CitizenAccessLogOptions {
  db: Db;
  /**
   * Who the citizen is: the identity package's session (wired by the server), given as a function
   * so the registry does not depend on identity. Undefined means not authenticated.
   */
  authenticateCitizen: (
    request: FastifyRequest,
  ) => Promise<{ subjectKey: string; accountId?: string | undefined } | undefined>;
  /** Officers are named by their unit. */
  units: AdminUnits;
  /** Names of agencies, relying parties and accounts (the composition root knows their packages). */
  actorDirectory?: ActorDirectory | undefined;
}

const security = [{ citizenSession: [] }];

/**
 * The citizen's own access log ("who accessed my data"), under /api/audit/v1/me, for the
 * wallet: each entry and, once a signed checkpoint covers it, its inclusion proof.
 */
export async function citizenAccessLogRoutes(app: FastifyInstance, options: CitizenAccessLogOptions) {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const subject = async (request: FastifyRequest) => {
    const citizen = await options.authenticateCitizen(request);
    if (!citizen) throw new AppError('ERR_UNAUTHENTICATED', 'log in with your eID account');
    return citizen;
  };

  api.get(
    '/me/access-log',
    {
      schema: {
        tags: ['audit'],
        summary: 'Who accessed or changed my data, newest first',
        security,
        querystring: AccessLogQuery,
        response: { 200: z.object({ items: z.array(AccessLogItem) }) },
      },
    },
    async (request) => {
      const owner = await subject(request);
      const items = await accessLog(options.db, owner.subjectKey, {
        limit: request.query.limit,
        ...(request.query.before ? { before: request.query.before } : {}),
      });
      return {
        items: await presentAccessLog(items, {
          units: options.units,
          directory: options.actorDirectory,
          owner,
        }),
      };
    },
  );

  api.get(
    '/me/access-log/:entryId/proof',
    {
      schema: {
        tags: ['audit'],
        summary: 'Inclusion proof of one of my access-log entries against a signed checkpoint',
        description:
          'Returns 404 ERR_NOT_FOUND until a checkpoint covers the entry (within a minute). For a batch ' +
          "entry (an agency's bulk matching, ADR 0009) `member` proves that my member record is among " +
          'the subjects the entry commits to.',
        security,
        params: z.object({ entryId: z.coerce.number().int().min(1) }),
        response: {
          200: z.object({
            entryId: z.number(),
            canonical: z.string(),
            leafIndex: z.number(),
            treeSize: z.number(),
            rootHash: z.string(),
            checkpointNote: z.string(),
            proof: z.array(z.string()),
            member: z
              .object({
                canonical: z.string(),
                index: z.number(),
                count: z.number(),
                proof: z.array(z.string()),
              })
              .optional(),
          }),
        },
      },
    },
    async (request) => {
      const key = (await subject(request)).subjectKey;
      const proof = await accessLogEntryProof(options.db, request.params.entryId, { subjectKey: key }).catch(
        () => undefined,
      );
      // Someone else's entry is reported exactly like a missing one.
      if (!proof || accessLogProofSubject(proof) !== key)
        throw new AppError('ERR_NOT_FOUND', 'no checkpointed entry with this id in your access log');
      return proof;
    },
  );
}
