import { AppError, isAppError } from '@dinhdanh/kernel';
import {
  DEMO_FINGERPRINT_FILE,
  demoFingerprintImage,
  type Officer,
  verifyOfficerToken,
} from '@dinhdanh/registry';
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { type Account, AccountView, LockGround, presentAccount } from './account/account.ts';
import { createDependentAccount, type Dependent, listDependents } from './account/dependents.service.ts';
import { describeMe, MeView } from './account/me.service.ts';
import { DevelopmentFaceVerifier, DevelopmentFingerprintVerifier } from './adapters/biometrics.ts';
import type { DevelopmentSmsGateway } from './adapters/sms.ts';
import type { IdentityContext } from './context.ts';
import { changePassword, confirmTotp, deleteTotp, startTotp } from './credential/credential.service.ts';
import {
  deletePasskey,
  listPasskeys,
  passkeyLogin,
  passkeyLoginOptions,
  passkeyRegistrationOptions,
  registerPasskey,
} from './credential/passkey.service.ts';
import { lockAccount } from './lock/lock.service.ts';
import { completeLogin, startLogin } from './login/login.service.ts';
import { isHardStopped } from './login/throttle.ts';
import {
  createForeignerAccount,
  createOrganisationAccount,
  officerLock,
  officerLookup,
  raiseToLevel2,
} from './officer/officer.service.ts';
import { createQrLogin, decideQrLogin, pollQrLogin, scanQrLogin } from './qr/qr-login.service.ts';
import {
  checkRegistrationFace,
  completeRegistration,
  confirmRegistrationOtp,
  startRegistration,
} from './registration/registration.service.ts';
import { deviceLabel as parseDevice } from './session/device.ts';
import {
  clearSessionCookie,
  hostCookie,
  readCookie,
  requireCitizen,
  sessionToken,
  setSessionCookie,
} from './session/session.http.ts';
import {
  authenticateSession,
  endSessions,
  listSessions,
  presentSession,
  type Session,
  SessionView,
} from './session/session.service.ts';

export interface IdentityRoutesOptions {
  ctx: IdentityContext;
}

const IdNumber = z.string().regex(/^\d{12}$/, 'expected 12 digits');
const IsoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const Uuid = z.string().uuid();
const Code = z.string().regex(/^\d{6}$/, 'expected 6 digits');
const Base64Image = z
  .string()
  .min(100)
  .max(7_000_000)
  .regex(/^[A-Za-z0-9+/=\s]+$/, 'expected base64');
const Password = z.string().min(1).max(1024);
const LoginResult = z.object({ account: AccountView, session: SessionView });
const Ok = z.object({ ok: z.literal(true) });
// WebAuthn JSON is checked by @simplewebauthn/server itself; the schema only bounds its shape.
const WebAuthnJson = z.record(z.string(), z.unknown());
const QR_POLL_COOKIE = '__Host-dinhdanh-qr';

const citizen = [{ citizenSession: [] }];
const officerSecurity = [{ officerToken: [] }];

/** A short label parsed from the user agent ("Chrome 131 · Android"); the raw agent is not kept. */
function deviceLabel(request: FastifyRequest): string | undefined {
  const agent = request.headers['user-agent'];
  return (typeof agent === 'string' && parseDevice(agent)) || undefined;
}

/**
 * Free text a page supplies about itself and the wallet shows: one line, no control or
 * bidirectional-format characters (which could make it read as something else), bounded.
 */
const ShownText = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .regex(/^[^\p{Cc}\p{Cf}<>]+$/u, 'plain text on one line');

const DependentView = z.object({
  idNumber: z.string(),
  fullName: z.string(),
  dateOfBirth: z.string(),
  sex: z.string(),
  age: z.number(),
  relation: z.enum(['child', 'ward']),
  hasAccount: z.boolean(),
  canCreateAccount: z.boolean(),
});
const presentDependent = (d: Dependent): z.infer<typeof DependentView> => ({
  idNumber: d.idNumber,
  fullName: d.fullName,
  dateOfBirth: d.dateOfBirth,
  sex: d.sex,
  age: d.age,
  relation: d.relation,
  hasAccount: d.hasAccount,
  canCreateAccount: d.canCreateAccount,
});

const asJson = (value: { challengeId: string; options: object }) => ({
  challengeId: value.challengeId,
  options: value.options as Record<string, unknown>,
});

const image = (base64: string) => new Uint8Array(Buffer.from(base64.replace(/\s/g, ''), 'base64'));

/**
 * The identity API of ADR 0005 under /api/identity/v1: self-registration, logins, the holder's
 * own account (/me) and the officer's level-2 activation and locks.
 */
export async function identityRoutes(app: FastifyInstance, options: IdentityRoutesOptions): Promise<void> {
  const { ctx } = options;
  const api = app.withTypeProvider<ZodTypeProvider>();

  // Throttled answers carry Retry-After (RFC 9110) as well as the problem's `retryAfter`.
  app.addHook('onError', async (_request, reply, error) => {
    if (isAppError(error) && typeof error.extra?.retryAfter === 'number')
      reply.header('retry-after', String(error.extra.retryAfter));
  });

  const loggedIn = (reply: FastifyReply, login: { account: Account; session: Session; token: string }) => {
    setSessionCookie(ctx, reply, login.token, login.session);
    return {
      account: presentAccount(login.account),
      session: presentSession(login.session, login.session.sessionId),
    };
  };

  const officer = async (request: FastifyRequest): Promise<Officer> => {
    const token = request.headers.authorization?.match(/^Bearer ([A-Za-z0-9._~+/=-]+)$/)?.[1];
    if (!token) throw new AppError('ERR_UNAUTHENTICATED', 'an officer bearer token is required');
    return verifyOfficerToken(ctx.officerTokenKey, ctx.units, token, ctx.clock.now());
  };

  // The validity the SMS states and the pages show is the one consumeOtp enforces.
  const CodeValidFor = z
    .number()
    .int()
    .describe('How long the SMS code stays valid (seconds): the SMS and the page say the same');

  // ── Self-registration (level 1) ──
  api.post(
    '/registrations',
    {
      schema: {
        tags: ['identity'],
        summary: 'Start a level-1 self-registration (sends a code by SMS)',
        body: z.object({
          idNumber: IdNumber,
          fullName: z.string().trim().min(2).max(100),
          dateOfBirth: IsoDay,
          phone: z.string().regex(/^(\+84|0)\d{9,10}$/),
        }),
        response: {
          201: z.object({
            registrationId: z.string(),
            maskedPhone: z.string().nullable(),
            expiresAt: z.string(),
            codeValidForSeconds: CodeValidFor,
          }),
        },
      },
    },
    async (request, reply) => {
      const started = await startRegistration(ctx, request.body, { ip: request.ip });
      return reply.code(201).send({
        ...started,
        expiresAt: started.expiresAt.toISOString(),
        codeValidForSeconds: ctx.policy.otpSeconds,
      });
    },
  );
  const RegistrationParam = z.object({ registrationId: Uuid });
  api.post(
    '/registrations/:registrationId/otp',
    {
      schema: {
        tags: ['identity'],
        summary: 'Confirm the SMS code',
        params: RegistrationParam,
        body: z.object({ code: Code }),
        response: { 200: z.object({ next: z.literal('face') }) },
      },
    },
    async (request) => confirmRegistrationOtp(ctx, request.params.registrationId, request.body.code),
  );
  api.post(
    '/registrations/:registrationId/face',
    {
      schema: {
        tags: ['identity'],
        summary: 'Send a face capture (base64 JPEG/PNG), compared with the portrait on record',
        params: RegistrationParam,
        body: z.object({ image: Base64Image }),
        response: { 200: z.object({ next: z.literal('password') }) },
      },
    },
    async (request) => checkRegistrationFace(ctx, request.params.registrationId, image(request.body.image)),
  );
  api.post(
    '/registrations/:registrationId/complete',
    {
      schema: {
        tags: ['identity'],
        summary: 'Choose the password; creates the level-1 account',
        params: RegistrationParam,
        body: z.object({ password: Password }),
        response: { 201: z.object({ accountId: z.string(), level: z.literal(1) }) },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await completeRegistration(ctx, request.params.registrationId, request.body.password)),
  );

  // ── Logins ──
  api.post(
    '/logins',
    {
      schema: {
        tags: ['identity'],
        summary: 'Password step of a login; a code follows by SMS (or use TOTP)',
        description: 'Unknown accounts and wrong passwords answer the same ERR_LOGIN_FAILED.',
        body: z.object({ idNumber: z.string().min(1).max(64), password: Password }),
        response: {
          200: z.object({
            loginId: z.string(),
            methods: z.array(z.enum(['sms', 'totp'])),
            maskedPhone: z.string().nullable(),
            codeValidForSeconds: CodeValidFor,
          }),
        },
      },
    },
    async (request) => ({
      ...(await startLogin(
        ctx,
        { loginName: request.body.idNumber, password: request.body.password },
        { ip: request.ip },
      )),
      codeValidForSeconds: ctx.policy.otpSeconds,
    }),
  );
  api.post(
    '/logins/:loginId/otp',
    {
      schema: {
        tags: ['identity'],
        summary: 'Second factor of a login; sets the session cookie',
        params: z.object({ loginId: Uuid }),
        body: z.object({ method: z.enum(['sms', 'totp']), code: Code }),
        response: { 200: LoginResult },
      },
    },
    async (request, reply) =>
      loggedIn(
        reply,
        await completeLogin(ctx, {
          loginId: request.params.loginId,
          method: request.body.method,
          code: request.body.code,
          device: deviceLabel(request),
        }),
      ),
  );
  api.post(
    '/passkeys/login-options',
    {
      schema: {
        tags: ['identity'],
        summary: 'WebAuthn options for a passkey login',
        response: { 200: z.object({ challengeId: z.string(), options: WebAuthnJson }) },
      },
    },
    async () => asJson(await passkeyLoginOptions(ctx)),
  );
  api.post(
    '/passkeys/login',
    {
      schema: {
        tags: ['identity'],
        summary: 'Log in with a passkey (user verification required)',
        body: z.object({ challengeId: Uuid, response: WebAuthnJson }),
        response: { 200: LoginResult },
      },
    },
    async (request, reply) =>
      loggedIn(
        reply,
        await passkeyLogin(ctx, {
          challengeId: request.body.challengeId,
          response: request.body.response as unknown as AuthenticationResponseJSON,
          device: deviceLabel(request),
        }),
      ),
  );
  api.post(
    '/qr-logins',
    {
      schema: {
        tags: ['identity'],
        summary: 'Desktop: start a QR login (the poll is bound to this browser by a cookie)',
        description:
          '`clientName`/`purpose` (e.g. from the OpenID login page) are shown to the approving wallet as the page’s own words; they are never used to decide anything.',
        body: z
          .object({ clientName: ShownText(100).optional(), purpose: ShownText(200).optional() })
          .nullish(),
        response: { 201: z.object({ qrLoginId: z.string(), qrText: z.string(), expiresAt: z.string() }) },
      },
    },
    async (request, reply) => {
      const created = await createQrLogin(ctx, {
        device: deviceLabel(request),
        clientName: request.body?.clientName,
        purpose: request.body?.purpose,
      });
      reply.header('set-cookie', hostCookie(QR_POLL_COOKIE, created.pollSecret, ctx.policy.qrLoginSeconds));
      return reply.code(201).send({
        qrLoginId: created.qrLoginId,
        qrText: created.qrText,
        expiresAt: created.expiresAt.toISOString(),
      });
    },
  );
  api.get(
    '/qr-logins/:qrLoginId',
    {
      schema: {
        tags: ['identity'],
        summary: 'Desktop: poll a QR login; the first read after approval sets the session cookie',
        params: z.object({ qrLoginId: Uuid }),
        response: {
          200: z.object({
            status: z.enum(['pending', 'approved', 'expired', 'denied']),
            account: AccountView.optional(),
            session: SessionView.optional(),
          }),
        },
      },
    },
    async (request, reply) => {
      const polled = await pollQrLogin(ctx, request.params.qrLoginId, readCookie(request, QR_POLL_COOKIE));
      if (!polled.login) return { status: polled.status };
      return { status: polled.status, ...loggedIn(reply, polled.login) };
    },
  );
  api.post(
    '/logout',
    {
      schema: { tags: ['identity'], summary: 'End this session', response: { 200: Ok } },
    },
    async (request, reply) => {
      const token = sessionToken(request);
      const found = token ? await authenticateSession(ctx, token) : undefined;
      if (found) await endSessions(ctx, { sessionIds: [found.session.sessionId] });
      clearSessionCookie(reply);
      return { ok: true as const };
    },
  );

  // ── The holder's own account ──
  api.get(
    '/me',
    {
      schema: {
        tags: ['identity'],
        summary: 'My account, my electronic-ID summary and my authenticators',
        security: citizen,
        response: { 200: MeView },
      },
    },
    async (request) => describeMe(ctx, (await requireCitizen(ctx, request)).account),
  );
  api.get(
    '/me/sessions',
    {
      schema: {
        tags: ['identity'],
        summary: 'My sessions',
        security: citizen,
        response: { 200: z.object({ items: z.array(SessionView) }) },
      },
    },
    async (request) => {
      const { account, session } = await requireCitizen(ctx, request);
      const items = await listSessions(ctx, account.accountId);
      return { items: items.map((item) => presentSession(item, session.sessionId)) };
    },
  );
  api.delete(
    '/me/sessions/:sessionId',
    {
      schema: {
        tags: ['identity'],
        summary: 'End one of my sessions',
        security: citizen,
        params: z.object({ sessionId: Uuid }),
        response: { 200: Ok },
      },
    },
    async (request) => {
      const { account } = await requireCitizen(ctx, request);
      const ended = await endSessions(ctx, {
        accountId: account.accountId,
        sessionIds: [request.params.sessionId],
      });
      if (ended.length === 0) throw new AppError('ERR_NOT_FOUND');
      return { ok: true as const };
    },
  );
  api.delete(
    '/me/sessions',
    {
      schema: {
        tags: ['identity'],
        summary: 'End all my other sessions',
        security: citizen,
        response: { 200: z.object({ ended: z.number() }) },
      },
    },
    async (request) => {
      const { account, session } = await requireCitizen(ctx, request);
      const ended = await endSessions(ctx, { accountId: account.accountId, except: session.sessionId });
      return { ended: ended.length };
    },
  );
  api.post(
    '/me/password',
    {
      schema: {
        tags: ['identity'],
        summary: 'Change my password (ends my other sessions)',
        security: citizen,
        body: z.object({ currentPassword: Password, newPassword: Password }),
        response: { 200: Ok },
      },
    },
    async (request) => {
      const { account, session } = await requireCitizen(ctx, request);
      await changePassword(ctx, account, { ...request.body, keepSessionId: session.sessionId });
      return { ok: true as const };
    },
  );
  api.post(
    '/me/totp',
    {
      schema: {
        tags: ['identity'],
        summary: 'Start enrolling an authenticator app',
        security: citizen,
        response: { 200: z.object({ secret: z.string(), otpauthUri: z.string() }) },
      },
    },
    async (request) => startTotp(ctx, (await requireCitizen(ctx, request)).account),
  );
  api.post(
    '/me/totp/confirm',
    {
      schema: {
        tags: ['identity'],
        summary: 'Confirm the authenticator app with a first code',
        security: citizen,
        body: z.object({ code: Code }),
        response: { 200: Ok },
      },
    },
    async (request) => {
      await confirmTotp(ctx, (await requireCitizen(ctx, request)).account, request.body.code);
      return { ok: true as const };
    },
  );
  api.delete(
    '/me/totp',
    {
      schema: {
        tags: ['identity'],
        summary: 'Remove the authenticator app',
        security: citizen,
        response: { 200: Ok },
      },
    },
    async (request) => {
      await deleteTotp(ctx, (await requireCitizen(ctx, request)).account);
      return { ok: true as const };
    },
  );
  api.post(
    '/me/passkeys/options',
    {
      schema: {
        tags: ['identity'],
        summary: 'WebAuthn options to register a passkey',
        security: citizen,
        response: { 200: z.object({ challengeId: z.string(), options: WebAuthnJson }) },
      },
    },
    async (request) =>
      asJson(await passkeyRegistrationOptions(ctx, (await requireCitizen(ctx, request)).account)),
  );
  api.post(
    '/me/passkeys',
    {
      schema: {
        tags: ['identity'],
        summary: 'Register a passkey',
        security: citizen,
        body: z.object({ challengeId: Uuid, response: WebAuthnJson, label: z.string().max(64).optional() }),
        response: { 201: z.object({ passkeyId: z.string() }) },
      },
    },
    async (request, reply) => {
      const { account } = await requireCitizen(ctx, request);
      const created = await registerPasskey(ctx, account, {
        challengeId: request.body.challengeId,
        response: request.body.response as unknown as RegistrationResponseJSON,
        label: request.body.label,
      });
      return reply.code(201).send(created);
    },
  );
  api.get(
    '/me/passkeys',
    {
      schema: {
        tags: ['identity'],
        summary: 'My passkeys',
        security: citizen,
        response: {
          200: z.object({
            items: z.array(
              z.object({
                passkeyId: z.string(),
                label: z.string().nullable(),
                synced: z.boolean(),
                createdAt: z.string(),
                lastUsedAt: z.string().nullable(),
              }),
            ),
          }),
        },
      },
    },
    async (request) => ({ items: await listPasskeys(ctx, (await requireCitizen(ctx, request)).account) }),
  );
  api.delete(
    '/me/passkeys/:passkeyId',
    {
      schema: {
        tags: ['identity'],
        summary: 'Remove a passkey',
        security: citizen,
        params: z.object({ passkeyId: Uuid }),
        response: { 200: Ok },
      },
    },
    async (request) => {
      await deletePasskey(ctx, (await requireCitizen(ctx, request)).account, request.params.passkeyId);
      return { ok: true as const };
    },
  );
  api.post(
    '/me/lock',
    {
      schema: {
        tags: ['identity'],
        summary: 'Lock my account (ends every session; an officer unlocks)',
        security: citizen,
        body: z.object({ reason: z.string().max(500).optional() }).optional(),
        response: { 200: Ok },
      },
    },
    async (request, reply) => {
      const { account } = await requireCitizen(ctx, request);
      await lockAccount(ctx, account, {
        ground: 'holder',
        reason: request.body?.reason ?? null,
        actor: { kind: 'citizen', id: account.accountId },
      });
      clearSessionCookie(reply);
      return { ok: true as const };
    },
  );
  api.get(
    '/me/dependents',
    {
      schema: {
        tags: ['identity'],
        summary: 'My children under 14 and the people under my guardianship (from the registry)',
        security: citizen,
        response: { 200: z.object({ items: z.array(DependentView) }) },
      },
    },
    async (request) => {
      const items = await listDependents(ctx, (await requireCitizen(ctx, request)).account);
      return { items: items.map(presentDependent) };
    },
  );
  api.post(
    '/me/dependent-accounts',
    {
      schema: {
        tags: ['identity'],
        summary: 'Open a level-1 account for my child or ward (Decree 69)',
        description:
          'Under 6 on request, from 6 with a valid card. The ID number travels in the body, never the URL.',
        security: citizen,
        body: z.object({ idNumber: IdNumber }),
        response: { 201: DependentView.extend({ accountId: z.string() }) },
      },
    },
    async (request, reply) => {
      const { account } = await requireCitizen(ctx, request);
      const created = await createDependentAccount(ctx, account, request.body.idNumber);
      return reply.code(201).send({ ...presentDependent(created), accountId: created.accountId });
    },
  );
  api.post(
    '/me/qr-approvals',
    {
      schema: {
        tags: ['identity'],
        summary: 'Wallet: I scanned a login QR; what is asking?',
        security: citizen,
        body: z.object({ qrText: z.string().max(200) }),
        response: {
          200: z.object({
            qrLoginId: z.string(),
            device: z.string().nullable(),
            clientName: z.string().nullable(),
            purpose: z.string().nullable(),
            requestedAt: z.string(),
            expiresAt: z.string(),
          }),
        },
      },
    },
    async (request) => scanQrLogin(ctx, (await requireCitizen(ctx, request)).session, request.body.qrText),
  );
  api.post(
    '/me/qr-approvals/:qrLoginId',
    {
      schema: {
        tags: ['identity'],
        summary: 'Wallet: approve or deny a QR login',
        security: citizen,
        params: z.object({ qrLoginId: Uuid }),
        body: z.object({ approve: z.boolean() }),
        response: { 200: z.object({ status: z.enum(['approved', 'denied']) }) },
      },
    },
    async (request) =>
      decideQrLogin(ctx, await requireCitizen(ctx, request), request.params.qrLoginId, request.body.approve),
  );

  // ── Officers (unit-scoped) ──
  const OfficerAccount = AccountView.extend({
    cardNumber: z.string().nullable(),
    /** The card whose chip was verified at level-2 activation. */
    level2Card: z.object({ issueDate: z.string(), documentNumber: z.string().nullable() }).nullable(),
    /** Too many consecutive failed logins: only an officer's unlock (any ground) restarts them. */
    hardStopped: z.boolean(),
  });
  const level2CardOf = (account: Account) => {
    const card = account.details.level2Card as { issueDate?: unknown; documentNumber?: unknown } | undefined;
    return typeof card?.issueDate === 'string'
      ? {
          issueDate: card.issueDate,
          documentNumber: typeof card.documentNumber === 'string' ? card.documentNumber : null,
        }
      : null;
  };
  const officerView = async (account: Account) => ({
    ...presentAccount(account),
    cardNumber: account.cardNumber,
    level2Card: level2CardOf(account),
    hardStopped: await isHardStopped(ctx, account),
  });
  api.post(
    '/officer/accounts/lookup',
    {
      schema: {
        tags: ['identity'],
        summary: 'Look up a person’s eID account',
        security: officerSecurity,
        body: z.object({ idNumber: IdNumber }),
        response: { 200: OfficerAccount },
      },
    },
    async (request) => officerView(await officerLookup(ctx, await officer(request), request.body.idNumber)),
  );
  // The files the officer's reader dumps from the card (EF_SOD.bin, EF_DG1.bin …), base64.
  const ChipFile = z
    .string()
    .min(4)
    .max(1_500_000)
    .regex(/^[A-Za-z0-9+/=\s]+$/, 'expected base64');
  const ChipRead = z.object({
    sod: ChipFile,
    /** DG number → the complete file (with its outer tag). DG1 or DG13 must be among them. */
    dataGroups: z.record(z.string().regex(/^(1[0-6]|[1-9])$/), ChipFile),
  });
  api.post(
    '/officer/level2',
    {
      bodyLimit: 12 * 1024 * 1024,
      schema: {
        tags: ['identity'],
        summary: 'Raise an account to level 2 (chip read and verified in person, fingerprint checked)',
        description:
          'The chip is verified by passive authentication against the card trust store and must be the person’s current, unrevoked card (ERR_CARD_VERIFICATION_FAILED lists the failures).',
        security: officerSecurity,
        body: z.object({
          idNumber: IdNumber,
          chip: ChipRead,
          fingerprint: z.object({ image: Base64Image }),
        }),
        response: { 200: OfficerAccount },
      },
    },
    async (request) => {
      const { chip } = request.body;
      const dataGroups = new Map<number, Uint8Array>();
      for (const [dg, file] of Object.entries(chip.dataGroups)) dataGroups.set(Number(dg), image(file));
      return officerView(
        await raiseToLevel2(ctx, await officer(request), {
          idNumber: request.body.idNumber,
          chip: { sod: image(chip.sod), dataGroups },
          fingerprint: image(request.body.fingerprint.image),
        }),
      );
    },
  );
  const LockBody = z.object({
    idNumber: IdNumber,
    ground: LockGround,
    reason: z.string().trim().min(1).max(500),
  });
  for (const [path, unlock] of [
    ['/officer/locks', false],
    ['/officer/unlocks', true],
  ] as const) {
    api.post(
      path,
      {
        schema: {
          tags: ['identity'],
          summary: unlock ? 'Lift a lock ground' : 'Lock an account on a ground',
          security: officerSecurity,
          body: LockBody,
          response: { 200: OfficerAccount },
        },
      },
      async (request) =>
        officerView(await officerLock(ctx, await officer(request), { ...request.body, unlock })),
    );
  }
  api.post(
    '/officer/foreigners',
    {
      schema: {
        tags: ['identity'],
        summary: 'Create a foreigner’s account',
        security: officerSecurity,
        body: z.object({
          fullName: z.string().trim().min(2).max(100),
          residenceCardNumber: z.string().regex(/^[A-Z0-9]{6,20}$/),
          passportNumber: z.string().regex(/^[A-Z0-9]{6,20}$/),
          nationality: z.string().trim().min(2).max(60),
          stayExpiresOn: IsoDay,
          phone: z.string().regex(/^(\+84|0)\d{9,10}$/),
        }),
        response: { 201: OfficerAccount },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await officerView(await createForeignerAccount(ctx, await officer(request), request.body))),
  );
  api.post(
    '/officer/organisations',
    {
      schema: {
        tags: ['identity'],
        summary: 'Create an organisation’s account (no level)',
        security: officerSecurity,
        body: z.object({
          name: z.string().trim().min(2).max(200),
          taxCode: z.string().regex(/^\d{10}(-\d{3})?$/),
          representativeIdNumber: IdNumber,
        }),
        response: { 201: OfficerAccount },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await officerView(await createOrganisationAccount(ctx, await officer(request), request.body))),
  );

  // ── Development only ──
  if (ctx.devOutbox) {
    api.get(
      '/dev/outbox',
      {
        schema: {
          tags: ['identity'],
          summary: 'Development: the SMS the development gateway "sent" (never in production)',
          querystring: z.object({ last: z.coerce.number().int().min(1).max(500).default(20) }),
          response: {
            200: z.object({
              items: z.array(z.object({ to: z.string(), text: z.string(), sentAt: z.string() })),
            }),
          },
        },
      },
      async (request) => ({ items: await (ctx.sms as DevelopmentSmsGateway).list(request.query.last) }),
    );
  }
  if (ctx.devBiometrics) {
    const developmentFingerprint = ctx.fingerprint instanceof DevelopmentFingerprintVerifier;
    const view = {
      face: ctx.face instanceof DevelopmentFaceVerifier ? 'development' : 'matcher',
      fingerprint: developmentFingerprint ? 'development' : 'matcher',
      fingerprintSample: developmentFingerprint
        ? {
            fileName: DEMO_FINGERPRINT_FILE,
            mediaType: 'image/png' as const,
            image: Buffer.from(demoFingerprintImage()).toString('base64'),
          }
        : null,
    } as const;
    api.get(
      '/dev/biometrics',
      {
        schema: {
          tags: ['identity'],
          summary:
            'Development: which biometric checks are development stand-ins (not matchers), and the demo fingerprint sample (never in production)',
          description:
            'The development face adapter accepts any JPEG/PNG photo; the development fingerprint adapter matches only the exact file enrolled — for the demo population, `fingerprintSample`.',
          response: {
            200: z.object({
              face: z.enum(['development', 'matcher']),
              fingerprint: z.enum(['development', 'matcher']),
              fingerprintSample: z
                .object({ fileName: z.string(), mediaType: z.literal('image/png'), image: z.string() })
                .nullable(),
            }),
          },
        },
      },
      async () => view,
    );
  }
}
