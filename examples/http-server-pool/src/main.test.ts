import { fileURLToPath } from 'node:url';
import { describeMain } from '../../http-server/src/test-main-suite.js';

// The article's behaviour, with the article's queue in memory: a shutdown drains it.
// durable.test.ts runs this program on its default store, SQLite.
describeMain('http-server-pool program', fileURLToPath(new URL('../dist/main.js', import.meta.url)), { STORE: 'memory' });
