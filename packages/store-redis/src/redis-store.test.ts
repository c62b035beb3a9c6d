import { createClient } from '@redis/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeConformance } from '../../pool/src/test-store-conformance.js';
import { RedisStore, RedisStoreError } from './redis-store.js';
import { freePort, hasRedis, sleep, startRedis, type RedisServer } from './test-helpers.js';

let server: RedisServer;
let queues = 0;
/** A queue name no other test of this run uses: each test gets an empty queue on the one server. */
const fresh = (): string => `q${++queues}-${process.pid}`;
const job = (id: string, payload = `"${id}"`) => ({ id, payload, deadline: undefined });

describe.runIf(hasRedis)('RedisStore', () => {
  beforeAll(async () => {
    server = await startRedis();
  });
  afterAll(() => server?.remove());

  storeConformance('RedisStore', {
    open: (options) => RedisStore.open({ url: server.url, queue: fresh(), ...options }),
    close: (store) => (store as RedisStore).close(),
  });

  /** A plain client on the test server, to look at the keys or play another program. */
  async function raw() {
    return createClient({ url: server.url }).on('error', () => {}).connect();
  }

  it('every key it makes carries the queue name; two queues on one database never meet', async () => {
    const [a, b] = [fresh(), fresh()];
    await using one = await RedisStore.open({ url: server.url, queue: a });
    await using two = await RedisStore.open({ url: server.url, queue: b });
    await one.add(job('same', '"a"'));
    expect(await two.add(job('same', '"b"'))).toBe('added');
    const [fromTwo] = await two.claim(5, AbortSignal.timeout(1_000));
    expect(fromTwo!.payload).toBe('"b"');
    await two.fail(fromTwo!, 'Error: later', Date.now() + 60_000);
    const [fromOne] = await one.claim(5, AbortSignal.timeout(1_000));
    await one.fail(fromOne!, 'Error: fatal', undefined);
    const client = await raw();
    const keys = await client.keys('*');
    client.destroy();
    for (const queue of [a, b]) expect(keys.filter((key) => key.includes(`{${queue}}`)).length).toBeGreaterThan(0);
    const ours = keys.filter((key) => key.includes(`{${a}}`) || key.includes(`{${b}}`));
    for (const key of ours) expect(key).toMatch(new RegExp(`^gochan:\\{(${a}|${b})\\}:`));
    expect(await one.deadJobs()).toEqual([{ id: 'same', payload: '"a"', error: 'Error: fatal', failures: 1, crashes: 0 }]);
    expect(await two.deadJobs()).toEqual([]);
  });

  it('a completed job is acknowledged and deleted from the stream at once; nothing is trimmed', async () => {
    const queue = fresh();
    await using store = await RedisStore.open({ url: server.url, queue });
    await Promise.all(Array.from({ length: 50 }, (_, i) => store.add(job(`d${i}`))));
    const claimed = await store.claim(50, AbortSignal.timeout(1_000));
    await Promise.all(claimed.slice(0, 30).map((j) => store.complete(j)));
    const client = await raw();
    expect(await client.xLen(store.keys.stream)).toBe(20);
    const pending = (await client.sendCommand(['XPENDING', store.keys.stream, 'gochan'])) as [number];
    expect(pending[0]).toBe(20);
    expect(await client.hLen(store.keys.ids)).toBe(20);
    client.destroy();
    expect(store.counts()).toMatchObject({ waiting: 0, running: 20, completed: 30 });
  });

  it('two stores on one queue (two processes, as Redis sees them) never claim the same job, and an add in one wakes a claim parked in the other', async () => {
    const queue = fresh();
    await using one = await RedisStore.open({ url: server.url, queue });
    await using two = await RedisStore.open({ url: server.url, queue });
    const parked = two.claim(5, AbortSignal.timeout(3_000));
    await sleep(50);
    await one.add(job('wake'));
    expect((await parked).map((j) => j.id)).toEqual(['wake']);
    await Promise.all(Array.from({ length: 300 }, (_, i) => one.add(job(`j${i}`))));
    const seen: string[] = [];
    while (seen.length < 300) {
      const [a, b] = await Promise.all([one.claim(7, AbortSignal.timeout(3_000)), two.claim(11, AbortSignal.timeout(3_000))]);
      seen.push(...a.map((j) => j.id), ...b.map((j) => j.id));
    }
    expect(new Set(seen).size).toBe(300);
  });

  it("a job held by a store that vanished is taken over by another after the lease, counted as recovered; the live one's renewals keep its own", async () => {
    const queue = fresh();
    const dead = await RedisStore.open({ url: server.url, queue, leaseMs: 300 });
    await using live = await RedisStore.open({ url: server.url, queue, leaseMs: 300 });
    await dead.add(job('orphan'));
    await live.add(job('kept'));
    const [orphan] = await dead.claim(1, AbortSignal.timeout(1_000));
    const [kept] = await live.claim(1, AbortSignal.timeout(1_000));
    expect(orphan!.id).toBe('orphan');
    // The first store's process "dies": it renews nothing more (its connection simply ends).
    await dead.close();
    const renewing = setInterval(() => void live.renew([kept!]), 100);
    try {
      const [taken] = await live.claim(1, AbortSignal.timeout(3_000));
      expect(taken).toMatchObject({ id: 'orphan', attempt: 1 });
      expect(live.stats()).toMatchObject({ recovered: 1, redelivered: 1 });
      expect(await live.renew([kept!])).toEqual([true]);
      expect(await live.complete(kept!)).toBe(true);
      expect(await live.complete(taken!)).toBe(true);
    } finally {
      clearInterval(renewing);
    }
  });

  it('many submits in one turn share one round trip per 500, and each resolves after its script ran', async () => {
    await using store = await RedisStore.open({ url: server.url, queue: fresh() });
    const results = await Promise.all(Array.from({ length: 2_000 }, (_, i) => store.add(job(`b${i % 1_500}`))));
    expect(results.filter((r) => r === 'added')).toHaveLength(1_500);
    const client = await raw();
    expect(await client.xLen(store.keys.stream)).toBe(1_500);
    client.destroy();
  });

  it('one batch: an id twice is added once; a claim completed twice counts once; completes that ride along a claim are applied', async () => {
    await using store = await RedisStore.open({ url: server.url, queue: fresh() });
    expect(await Promise.all([store.add(job('twin')), store.add(job('twin')), store.add(job('other'))])).toEqual(['added', 'duplicate', 'added']);
    const claimed = await store.claim(2, AbortSignal.timeout(1_000));
    expect(claimed.map((j) => j.id)).toEqual(['twin', 'other']);
    expect(await Promise.all([store.complete(claimed[0]!), store.complete(claimed[0]!)])).toEqual([true, false]);
    expect(store.counts()).toMatchObject({ waiting: 0, running: 1, completed: 1 });
    // A complete issued just before a claim goes out in the claim's script call.
    await store.add(job('next'));
    const completing = store.complete(claimed[1]!);
    const [next] = await store.claim(5, AbortSignal.timeout(1_000));
    expect(next!.id).toBe('next');
    expect(await completing).toBe(true);
    expect(store.counts()).toMatchObject({ waiting: 0, running: 1, completed: 2 });
    expect(await store.add(job('twin'))).toBe('added');
  });

  it('a batch of completes whose leases were taken over changes nothing, whether the taker is this store or another', async () => {
    const queue = fresh();
    await using store = await RedisStore.open({ url: server.url, queue, leaseMs: 150 });
    await using other = await RedisStore.open({ url: server.url, queue, leaseMs: 150 });
    await Promise.all(Array.from({ length: 8 }, (_, i) => store.add(job(`t${i}`))));
    const stale = await store.claim(8, AbortSignal.timeout(1_000));
    expect(stale).toHaveLength(8);
    await sleep(200);
    const mine = await store.claim(4, AbortSignal.timeout(1_000)); // this store takes four over (a new delivery)
    const theirs = await other.claim(4, AbortSignal.timeout(1_000)); // and the other store the rest
    expect([...mine, ...theirs].map((j) => j.id).sort()).toEqual(stale.map((j) => j.id).sort());
    expect(await Promise.all(stale.map((j) => store.complete(j)))).toEqual(stale.map(() => false));
    expect(store.counts()).toMatchObject({ running: 8, completed: 0 });
    expect(await Promise.all(mine.map((j) => store.complete(j)))).toEqual(mine.map(() => true));
    expect(await Promise.all(theirs.map((j) => other.complete(j)))).toEqual(theirs.map(() => true));
  });

  it('a vanished consumer group is made again, and the jobs still in the stream run', async () => {
    await using store = await RedisStore.open({ url: server.url, queue: fresh() });
    await store.add(job('survivor'));
    const client = await raw();
    await client.sendCommand(['XGROUP', 'DESTROY', store.keys.stream, 'gochan']);
    client.destroy();
    expect((await store.claim(5, AbortSignal.timeout(2_000))).map((j) => j.id)).toEqual(['survivor']);
    expect(store.stats().groupsRecreated).toBe(1);
  });

  it('a changed() waiting for room sees another process claim, by the poll', async () => {
    const queue = fresh();
    await using producer = await RedisStore.open({ url: server.url, queue, pollMs: 20 });
    await using consumer = await RedisStore.open({ url: server.url, queue });
    await producer.add(job('full'));
    const room = producer.changed(AbortSignal.timeout(2_000));
    await consumer.claim(1, AbortSignal.timeout(1_000));
    await room;
    expect(producer.waiting()).toBe(0);
  });

  describe('clear errors at open', () => {
    it('a wrong URL: nobody listening there', async () => {
      const port = await freePort();
      await expect(RedisStore.open({ url: `redis://127.0.0.1:${port}`, connectTimeoutMs: 1_000 })).rejects.toThrow(
        new RegExp(`RedisStoreError|Cannot connect to Redis at redis://127\\.0\\.0\\.1:${port}: .*is redis-server running there`),
      );
      await expect(RedisStore.open({ url: 'http://localhost:6379' })).rejects.toThrow('Expected `url` to be a redis:// or rediss:// URL, got "http://localhost:6379"');
    });

    it('a wrong password', async () => {
      const locked = await startRedis({ password: 'right' });
      try {
        const error = await RedisStore.open({ url: `redis://:wrong@127.0.0.1:${locked.port}` }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(RedisStoreError);
        expect((error as Error).message).toMatch(/Cannot connect to Redis at redis:\/\/\*\*\*@127\.0\.0\.1:\d+: .*WRONGPASS.*the password or user in the URL is wrong/);
        const missing = await RedisStore.open({ url: `redis://127.0.0.1:${locked.port}` }).catch((e: unknown) => e);
        expect((missing as Error).message).toMatch(/NOAUTH.*the password or user in the URL is wrong, or missing/);
        await using ok = await RedisStore.open({ url: locked.url });
        expect(ok.durability).toEqual({ appendonly: true, appendfsync: 'always', save: '', persists: true });
      } finally {
        await locked.remove();
      }
    });

    it('a database number the server does not have: the error says so, not that the host or port is wrong', async () => {
      const error = await RedisStore.open({ url: `${server.url}/99` }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RedisStoreError);
      expect((error as Error).message).toMatch(/DB index is out of range.*the database number in the URL, 99, is not one this server has/);
      expect((error as Error).message).not.toMatch(/host and port/);
      await using ok = await RedisStore.open({ url: `${server.url}/3`, queue: fresh() });
      expect(await ok.add(job('in-db-3'))).toBe('added');
    });

    it('says whether the server persists anything: appendonly no and no snapshots is persists false', async () => {
      const bare = await startRedis({ appendonly: false });
      try {
        await using store = await RedisStore.open({ url: bare.url });
        expect(store.durability).toEqual({ appendonly: false, appendfsync: 'always', save: '', persists: false });
      } finally {
        await bare.remove();
      }
      const snapshots = await startRedis({ appendonly: false, extra: ['--save', '60 1'] });
      try {
        await using store = await RedisStore.open({ url: snapshots.url });
        expect(store.durability).toMatchObject({ appendonly: false, save: '60 1', persists: true });
      } finally {
        await snapshots.remove();
      }
    });

    it('a key of the wrong type at the queue’s name', async () => {
      const queue = fresh();
      const client = await raw();
      await client.set(`gochan:{${queue}}:stream`, 'not a stream');
      client.destroy();
      await expect(RedisStore.open({ url: server.url, queue })).rejects.toThrow(
        `Cannot use queue "${queue}": the key gochan:{${queue}}:stream holds a string, not a stream (another program uses this name? choose another \`queue\`)`,
      );
    });
  });
});
