// The second article's program, on @gochan/pool: the hand-built server's
// `serve` (environment, signals, exit status) around this folder's
// `createApp`.
import { serve } from '@gochan/example-http-server/serve';
import { createApp } from './app.js';

await serve(createApp);
