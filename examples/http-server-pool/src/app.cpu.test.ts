import { describeApp } from '../../http-server/src/test-app-suite.js';
import { createApp } from './app.js';

// The same suite with TASK_KIND=cpu: every task computes on a thread of @gochan/threads.
describeApp('http-server-pool app, TASK_KIND=cpu', (options) => createApp({ ...options, taskKind: 'cpu' }));
