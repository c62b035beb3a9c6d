import { describeMetrics } from '../../http-server/src/test-metrics-suite.js';
import { createApp } from './app.js';

// The same metrics with TASK_KIND=cpu: the tasks run on threads, the counts and timings stay the pool's.
describeMetrics('http-server-pool GET /metrics, TASK_KIND=cpu', (options) => createApp({ ...options, taskKind: 'cpu' }));
