import { appendFile, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '@dinhdanh/kernel';

/** Sends a text message. A process boundary: tests and development use the outbox. */
export interface SmsGateway {
  send(message: { to: string; text: string; sentAt: Date }): Promise<void>;
}

export interface OutboxMessage {
  to: string;
  text: string;
  sentAt: string;
}

/**
 * Development only: appends each message as one JSON line to a file, which `GET /dev/outbox`
 * and `dinhdanh dev outbox` read. A file, not memory, so the CLI and several server processes
 * see the same messages. The config refuses this gateway in production.
 */
export class DevelopmentSmsGateway implements SmsGateway {
  readonly file: string;

  constructor(file: string) {
    this.file = file;
  }

  async send(message: { to: string; text: string; sentAt: Date }): Promise<void> {
    await mkdir(path.dirname(this.file), { recursive: true });
    const line: OutboxMessage = { to: message.to, text: message.text, sentAt: message.sentAt.toISOString() };
    await appendFile(this.file, `${JSON.stringify(line)}\n`, 'utf8');
  }

  /** The last `limit` messages, oldest first. */
  async list(limit = 50): Promise<OutboxMessage[]> {
    return readOutbox(this.file, limit);
  }
}

export async function readOutbox(file: string, limit = 50): Promise<OutboxMessage[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const lines = text.split('\n').filter(Boolean);
  return lines.slice(-limit).map((line) => JSON.parse(line) as OutboxMessage);
}

/** POSTs `{to, text}` as JSON to the operator's SMS gateway. */
export class HttpSmsGateway implements SmsGateway {
  readonly url: string;

  constructor(url: string) {
    this.url = url;
  }

  async send(message: { to: string; text: string }): Promise<void> {
    const response = await fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ to: message.to, text: message.text }),
      signal: AbortSignal.timeout(10_000),
    }).catch((error: unknown) => {
      throw new AppError('ERR_UNAVAILABLE', 'the SMS gateway is unreachable', undefined, { cause: error });
    });
    if (!response.ok) throw new AppError('ERR_UNAVAILABLE', `the SMS gateway answered ${response.status}`);
  }
}
