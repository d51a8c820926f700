import type { Redis } from 'ioredis';
import type { Adapter, AdapterPayload } from 'oidc-provider';
import { redeemedOnRead } from './sql-adapter.ts';

/**
 * Short-lived provider state in Redis, shared by every server process: one key per model
 * instance with the provider's TTL, plus grant / uid / user-code index keys. Follows the
 * reference adapter of oidc-provider's example folder.
 */
export class RedisAdapter implements Adapter {
  readonly kind: string;
  readonly client: Redis;
  readonly prefix: string;

  constructor(kind: string, client: Redis, prefix = 'dinhdanh:oidc:') {
    this.kind = kind;
    this.client = client;
    this.prefix = prefix;
  }

  private key(id: string) {
    return `${this.prefix}${this.kind}:${id}`;
  }
  private grantKey(grantId: string) {
    return `${this.prefix}grant:${grantId}`;
  }

  async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
    const key = this.key(id);
    const multi = this.client.multi();
    if (expiresIn) multi.set(key, JSON.stringify(payload), 'EX', expiresIn);
    else multi.set(key, JSON.stringify(payload));
    if (payload.grantId) {
      const grantKey = this.grantKey(payload.grantId);
      multi.rpush(grantKey, key);
      // The grant index lives at least as long as its longest member.
      const ttl = await this.client.ttl(grantKey);
      if (expiresIn && expiresIn > ttl) multi.expire(grantKey, expiresIn);
    }
    if (payload.userCode) {
      const userCodeKey = `${this.prefix}userCode:${payload.userCode}`;
      if (expiresIn) multi.set(userCodeKey, id, 'EX', expiresIn);
      else multi.set(userCodeKey, id);
    }
    if (payload.uid) {
      const uidKey = `${this.prefix}uid:${payload.uid}`;
      if (expiresIn) multi.set(uidKey, id, 'EX', expiresIn);
      else multi.set(uidKey, id);
    }
    await multi.exec();
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    const key = this.key(id);
    if (redeemedOnRead.has(this.kind)) {
      // Read and redeem in one transaction: a marker set only if absent says whether an earlier
      // read already redeemed the code (see the SQL adapter); it outlives the code's 60 s.
      const results = await this.client.multi().get(key).set(`${key}:redeemed`, '1', 'EX', 600, 'NX').exec();
      const data = results?.[0]?.[1] as string | null | undefined;
      if (!data) return undefined;
      const payload = JSON.parse(data) as AdapterPayload;
      return results?.[1]?.[1] === 'OK' ? payload : { ...payload, consumed: Math.floor(Date.now() / 1000) };
    }
    const data = await this.client.get(key);
    return data ? (JSON.parse(data) as AdapterPayload) : undefined;
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    const id = await this.client.get(`${this.prefix}uid:${uid}`);
    return id ? this.find(id) : undefined;
  }

  async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    const id = await this.client.get(`${this.prefix}userCode:${userCode}`);
    return id ? this.find(id) : undefined;
  }

  async consume(id: string): Promise<void> {
    if (redeemedOnRead.has(this.kind)) return; // already redeemed when it was read
    // Keeps the TTL.
    const key = this.key(id);
    const data = await this.client.get(key);
    if (!data) return;
    const ttl = await this.client.pttl(key);
    const payload = { ...(JSON.parse(data) as AdapterPayload), consumed: Math.floor(Date.now() / 1000) };
    if (ttl > 0) await this.client.set(key, JSON.stringify(payload), 'PX', ttl);
    else await this.client.set(key, JSON.stringify(payload));
  }

  async destroy(id: string): Promise<void> {
    await this.client.del(this.key(id));
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    const grantKey = this.grantKey(grantId);
    const keys = await this.client.lrange(grantKey, 0, -1);
    const multi = this.client.multi();
    for (const key of keys) multi.del(key);
    multi.del(grantKey);
    await multi.exec();
  }
}
