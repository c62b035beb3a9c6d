// A Redis Cluster of three (cluster-enabled yes, joined with redis-cli
// --cluster create): RedisStore refuses it at open, whichever node's URL it
// is given, with an error that says what to use instead (the README says
// why), and opens nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisStore, RedisStoreError } from './redis-store.js';
import { hasRedis, startCluster, type RedisCluster } from './test-helpers.js';

describe.runIf(hasRedis)('RedisStore on a Redis Cluster', () => {
  let cluster: RedisCluster;
  beforeAll(async () => {
    cluster = await startCluster();
  }, 60_000);
  afterAll(() => cluster?.remove());

  it('is refused at open through any node, the one holding the queue’s slot included, with what to do', async () => {
    for (const node of cluster.nodes) {
      const error = await RedisStore.open({ url: node.url, queue: 'tasks' }).then(
        (store) => store.close().then(() => undefined),
        (e: unknown) => e,
      );
      expect(error, node.url).toBeInstanceOf(RedisStoreError);
      expect((error as Error).message).toBe(
        `Cannot use Redis at ${node.url}: it is a node of a Redis Cluster (cluster_enabled:1), and RedisStore follows no cluster redirections: ` +
          `it would work only on the node that holds the queue's slot, and only until a failover moved it. ` +
          `Use a standalone Redis (for failover, a replica with Sentinel, or a managed Redis's own), not a cluster.`,
      );
    }
  });

  it('a URL with a database number names the cluster as the cause, not the host or port', async () => {
    const error = await RedisStore.open({ url: `${cluster.nodes[0]!.url}/3` }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RedisStoreError);
    expect((error as Error).message).toMatch(/SELECT is not allowed in cluster mode.*this is a Redis Cluster node/);
    expect((error as Error).message).not.toMatch(/host and port/);
  });
});
