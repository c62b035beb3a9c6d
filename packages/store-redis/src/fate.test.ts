// The withdrawal of an add whose answer a dropped connection cut off: the
// ADD and FATE scripts on a real Redis (whichever runs first decides), and
// the client's side (adds.ts) with a connection that drops before or after
// Redis ran the batch.
import { StoreUnavailableError } from '@gochan/pool';
import { createClient, SocketClosedUnexpectedlyError } from '@redis/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Adds, type AddsHost } from './adds.js';
import { ADD, FATE, keyList, redisKeys } from './scripts.js';
import { hasRedis, startRedis, type RedisServer } from './test-helpers.js';

describe.runIf(hasRedis)('ADD and FATE on Redis: whichever runs first decides', () => {
  let server: RedisServer;
  let client: Awaited<ReturnType<typeof connect>>;
  const connect = () => createClient({ url: server.url }).on('error', () => {}).connect();
  beforeAll(async () => {
    server = await startRedis();
    client = await connect();
  });
  afterAll(async () => {
    client?.destroy();
    await server?.remove();
  });
  const keys = redisKeys('fates');
  const run = (script: string, args: string[]) => client.sendCommand(['EVAL', script, String(keyList(keys).length), ...keyList(keys), ...args]);
  const add = (batch: number, forget: number[], ids: string[]) => run(ADD, ['c', String(batch), String(forget.length), ...forget.map(String), ...ids.flatMap((id) => [id, `"${id}"`, ''])]);

  it('a batch that ran: FATE gives what it did, each job added or duplicate', async () => {
    expect(await add(1, [], ['a', 'b'])).toEqual([1, [], 2]);
    expect(await run(FATE, ['c', '1'])).toEqual([1, '']);
    expect(await add(2, [], ['a', 'c'])).toEqual([1, [1], 3]);
    expect(await run(FATE, ['c', '2'])).toEqual([1, '1']);
    expect(await add(3, [], ['b'])).toEqual([1, [1], 3]); // one job alone: the short path records too
    expect(await run(FATE, ['c', '3'])).toEqual([1, '1']);
  });

  it('a batch asked about before it arrives is withdrawn: arriving late, it adds nothing', async () => {
    expect(await run(FATE, ['c', '4'])).toEqual([0, '']);
    expect(await add(4, [], ['late'])).toEqual([0]);
    expect(await client.hExists(keys.ids, 'late')).toBe(0);
    expect(await run(FATE, ['c', '4'])).toEqual([0, '']);
  });

  it('a later batch deletes the records the client no longer needs; tombstones stay', async () => {
    expect(await add(5, [1, 2, 3], ['d'])).toEqual([1, [], 4]);
    expect((await client.hKeys(keys.fates)).sort()).toEqual(['c/4', 'c/5']);
  });
});

/** A host whose Redis is a map, and whose connection drops when told to: before the batch runs, or after. */
function fakeHost(drop: 'before' | 'after' | 'never') {
  const ids = new Set<string>(['taken']);
  const records = new Map<string, string>();
  let dropped = false;
  const apply = (batch: string, jobs: string[]): [number, number[], number] => {
    if (records.get(`c/${batch}`) === 'withdrawn') return [0, [], ids.size];
    const refused: number[] = [];
    jobs.forEach((id, k) => (ids.has(id) ? refused.push(k + 1) : ids.add(id)));
    records.set(`c/${batch}`, refused.join(','));
    return [1, refused, ids.size];
  };
  const host: AddsHost = {
    consumer: 'c',
    unavailable: () => undefined,
    added: () => {},
    track: (promise) => promise,
    run: async <T>(script: string, args: readonly string[]): Promise<T> => {
      if (script === ADD) {
        const forget = Number(args[2]);
        const jobs: string[] = [];
        for (let i = 3 + forget; i < args.length; i += 3) jobs.push(args[i]!);
        if (drop !== 'never' && !dropped) {
          dropped = true;
          if (drop === 'after') apply(args[1]!, jobs);
          throw new SocketClosedUnexpectedlyError();
        }
        return apply(args[1]!, jobs) as T;
      }
      const mark = `c/${args[1]}`;
      const v = records.get(mark);
      if (v === undefined || v === 'withdrawn') {
        records.set(mark, 'withdrawn');
        return [0, ''] as T;
      }
      return [1, v] as T;
    },
  };
  return { host, ids };
}

describe('Adds: a batch cut off by a dropped connection is answered by its fate', () => {
  it('dropped after Redis ran it: each job answered what the batch did', async () => {
    const { host, ids } = fakeHost('after');
    const adds = new Adds(host);
    const answers = await Promise.all([adds.add({ id: 'new', payload: '1', deadline: undefined }), adds.add({ id: 'taken', payload: '1', deadline: undefined })]);
    expect(answers).toEqual(['added', 'duplicate']);
    expect(ids.has('new')).toBe(true);
  });

  it('dropped before Redis ran it: withdrawn, and it never runs', async () => {
    const { host, ids } = fakeHost('before');
    const adds = new Adds(host);
    const answer = await adds.add({ id: 'lost', payload: '1', deadline: undefined }).catch((e: unknown) => e);
    expect(answer).toBeInstanceOf(StoreUnavailableError);
    expect(answer).toMatchObject({ reason: 'withdrawn', stored: false });
    expect(ids.has('lost')).toBe(false);
    // The next batch goes through, and asks the record of the one before it to go.
    expect(await adds.add({ id: 'next', payload: '1', deadline: undefined })).toBe('added');
  });

  it('refused unsent while the host says Redis cannot answer in time', async () => {
    const { host } = fakeHost('never');
    const adds = new Adds({ ...host, unavailable: () => 'stalled' });
    await expect(adds.add({ id: 'x', payload: '1', deadline: undefined })).rejects.toMatchObject({ name: 'StoreUnavailableError', reason: 'stalled' });
  });
});
