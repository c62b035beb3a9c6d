// The second article's server on @gochan/pool, the one `pnpm start` runs:
// its tasks wait in a SQLite file (data/tasks.db, under the folder it is
// started from) unless STORE says otherwise, so a task answered 200 survives
// a crash of the server; `STORE=memory` gives back the article's queue, and
// `STORE=redis://host:port/db` shares one queue among several servers. Its
// process id goes to data/server.pid (PID_FILE), for a `kill -9` that hits
// this server alone. TASK_KIND=cpu makes each task compute for TASK_MS on a
// thread (THREADS of them, one per core by default) instead of sleeping.
import { mkdirSync } from 'node:fs';
import { serve } from '@gochan/example-http-server/serve';
import { createApp } from './app.js';

/** The default store's folder, which git ignores. */
const DATA = 'data';

if (process.env.STORE === undefined || process.env.STORE.trim() === '') mkdirSync(DATA, { recursive: true });
await serve(createApp, { defaultStore: `sqlite:${DATA}/tasks.db`, stores: ['memory', 'sqlite', 'redis'], pidFile: `${DATA}/server.pid`, taskKinds: ['sleep', 'cpu'] });
