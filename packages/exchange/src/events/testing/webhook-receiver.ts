// Tests only: an agency's webhook receiver on 127.0.0.1, and a verifier of RFC 9421 signatures
// written from the RFC, independent of the library that signs.
import { createHash, createPublicKey, verify } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  method: string;
  /** The target URI as the receiver reconstructs it: scheme, authority, path and query. */
  targetUri: string;
  headers: Record<string, string>;
  body: string;
}

/** What the receiver answers to one request: a status, after an optional delay. */
export type ReceiverBehaviour = (request: ReceivedWebhook) => {
  status: number;
  delayMs?: number;
  headers?: Record<string, string>;
};

export interface WebhookReceiver {
  url: string;
  /** Every request answered 2xx, in arrival order. */
  accepted: ReceivedWebhook[];
  /** Every request, whatever the answer. */
  requests: ReceivedWebhook[];
  behave(behaviour: ReceiverBehaviour): void;
  /** Stops listening (connections refused) until `up()`, on the same port. */
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

export async function startWebhookReceiver(path = '/events'): Promise<WebhookReceiver> {
  let behaviour: ReceiverBehaviour = () => ({ status: 204 });
  const accepted: ReceivedWebhook[] = [];
  const requests: ReceivedWebhook[] = [];
  const sockets = new Set<import('node:net').Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let port = 0;
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers))
        if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
      const received: ReceivedWebhook = {
        method: req.method ?? '',
        targetUri: `http://127.0.0.1:${port}${req.url ?? ''}`,
        headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(received);
      const answer = behaviour(received);
      const send = () => {
        if (res.destroyed) return;
        if (answer.status >= 200 && answer.status < 300) accepted.push(received);
        res.writeHead(answer.status, answer.headers ?? {}).end();
      };
      if (answer.delayMs) {
        const timer = setTimeout(() => {
          timers.delete(timer);
          send();
        }, answer.delayMs);
        timers.add(timer);
      } else send();
    });
  };
  let server: Server | undefined;
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const next = createServer(handler);
      next.on('connection', (socket) => {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
      });
      next.once('error', reject);
      next.listen(port, '127.0.0.1', () => {
        port = (next.address() as AddressInfo).port;
        server = next;
        resolve();
      });
    });
  const stop = async () => {
    for (const timer of timers) clearTimeout(timer);
    timers.clear();
    const current = server;
    server = undefined;
    if (!current) return;
    const closed = new Promise<void>((resolve) => current.close(() => resolve()));
    for (const socket of sockets) socket.destroy();
    await closed;
  };
  await listen();
  return {
    url: `http://127.0.0.1:${port}${path}`,
    accepted,
    requests,
    behave: (next) => {
      behaviour = next;
    },
    down: stop,
    up: listen,
    close: stop,
  };
}

export interface Jwk {
  kty: string;
  crv?: string;
  x?: string;
  kid?: string;
}

/** Why a signature does not verify, or undefined when it does. */
export function checkWebhookSignature(
  request: ReceivedWebhook,
  jwks: { keys: Jwk[] },
  options: { now: Date; maxAgeSeconds?: number } = { now: new Date() },
): string | undefined {
  const input = request.headers['signature-input'];
  const signature = request.headers.signature;
  if (!input || !signature) return 'no signature';
  // One signature, labelled: `label=("c1" "c2" …);param=…` (RFC 9421 §4.1).
  const parsed =
    /^([a-z*][a-z0-9_.*-]*)=(\((?:"[^"]*"(?: "[^"]*")*)?\)(?:;[a-z0-9_.*-]+=(?:"[^"]*"|-?\d+))*)$/.exec(
      input,
    );
  if (!parsed) return 'malformed Signature-Input';
  const [, label, signatureParams] = parsed as unknown as [string, string, string];
  const components = [...(signatureParams.match(/^\(([^)]*)\)/)?.[1] ?? '').matchAll(/"([^"]*)"/g)].map(
    (m) => m[1] as string,
  );
  const params = new Map(
    [
      ...signatureParams
        .slice(signatureParams.indexOf(')') + 1)
        .matchAll(/;([a-z0-9_.*-]+)=("[^"]*"|-?\d+)/g),
    ].map((m) => [m[1] as string, (m[2] as string).replace(/^"|"$/g, '')]),
  );
  const lines: string[] = [];
  for (const component of components) {
    let value: string | undefined;
    if (component === '@method') value = request.method.toUpperCase();
    else if (component === '@target-uri') value = request.targetUri;
    else if (component.startsWith('@')) return `unexpected component ${component}`;
    else value = request.headers[component]?.trim();
    if (value === undefined) return `missing ${component}`;
    lines.push(`"${component}": ${value}`);
  }
  lines.push(`"@signature-params": ${signatureParams}`);
  const signed = new RegExp(`(?:^|,\\s*)${label.replace(/[.*]/g, '\\$&')}=:([A-Za-z0-9+/=]+):`).exec(
    signature,
  )?.[1];
  if (!signed) return 'no signature for the label';
  const key = jwks.keys.find((candidate) => candidate.kid === params.get('keyid'));
  if (!key) return 'unknown keyid';
  if (params.get('alg') !== 'ed25519') return 'unexpected alg';
  const created = Number(params.get('created'));
  if (!Number.isInteger(created)) return 'no created';
  if (Math.abs(options.now.getTime() / 1000 - created) > (options.maxAgeSeconds ?? 300)) return 'too old';
  const publicKey = createPublicKey({ key: { kty: key.kty, crv: key.crv, x: key.x }, format: 'jwk' });
  if (!verify(null, Buffer.from(lines.join('\n')), publicKey, Buffer.from(signed, 'base64')))
    return 'bad signature';
  // The signature covers Content-Digest; the digest must cover the body (RFC 9530).
  const digest = `sha-256=:${createHash('sha256').update(request.body).digest('base64')}:`;
  if (components.includes('content-digest') && request.headers['content-digest'] !== digest)
    return 'digest mismatch';
  return undefined;
}
