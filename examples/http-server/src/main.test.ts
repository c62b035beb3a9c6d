import { fileURLToPath } from 'node:url';
import { describeMain } from './test-main-suite.js';

describeMain('http-server program', fileURLToPath(new URL('../dist/main.js', import.meta.url)));
