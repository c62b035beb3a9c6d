// Where a child loads our packages from: the copy the runner took at its start
// (REDIS_BENCH_CODE, so that a rebuild by someone else mid-session changes no
// run), else the work tree's built packages.
const base = process.env.REDIS_BENCH_CODE
  ? new URL(`file://${process.env.REDIS_BENCH_CODE}/node_modules/`)
  : new URL('../../packages/store-redis/node_modules/', import.meta.url);
const storeRedis = process.env.REDIS_BENCH_CODE ? new URL('@gochan/store-redis/', base) : new URL('../../packages/store-redis/', import.meta.url);

export const loadStore = () => import(new URL('dist/index.js', storeRedis).href);
export const loadPool = () => import(new URL('@gochan/pool/dist/index.js', base).href);
export const loadRedisClient = () => import(new URL('@redis/client/dist/index.js', base).href);
