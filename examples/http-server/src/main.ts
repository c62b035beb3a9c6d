// The second article's program: an HTTP server on :8081 that queues
// `GET /task/{id}` on a pool of 4 workers, each task taking 10 s, and shuts
// down gracefully on SIGINT or SIGTERM, printing `Shutdown complete`.
// `serve` reads the environment and handles the signals; `createApp` is the
// article's pool and the server in front of it.
import { createApp } from './app.js';
import { serve } from './serve.js';

// The article's queue lives in memory only: STORE may only say so.
await serve(createApp, { defaultStore: 'memory', stores: ['memory'] });
