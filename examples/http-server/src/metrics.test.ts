import { createApp } from './app.js';
import { describeMetrics } from './test-metrics-suite.js';

describeMetrics('http-server GET /metrics', createApp);
