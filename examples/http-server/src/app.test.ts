import { createApp } from './app.js';
import { describeApp } from './test-app-suite.js';

describeApp('http-server app', createApp);
