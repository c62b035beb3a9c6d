import { describeApp } from '../../http-server/src/test-app-suite.js';
import { createApp } from './app.js';

// The same behaviour, checked by the same suite, as the hand-built server.
describeApp('http-server-pool app', createApp);
