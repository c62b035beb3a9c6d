import { describeMetrics } from '../../http-server/src/test-metrics-suite.js';
import { createApp } from './app.js';

// The same metrics, from the pool's observer, as the hand-built server's.
describeMetrics('http-server-pool GET /metrics', createApp);
