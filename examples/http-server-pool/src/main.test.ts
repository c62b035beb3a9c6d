import { fileURLToPath } from 'node:url';
import { describeMain } from '../../http-server/src/test-main-suite.js';

describeMain('http-server-pool program', fileURLToPath(new URL('../dist/main.js', import.meta.url)));
