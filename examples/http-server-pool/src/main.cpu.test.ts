import { fileURLToPath } from 'node:url';
import { describeMain } from '../../http-server/src/test-main-suite.js';

// The program's behaviour with TASK_KIND=cpu: the tasks compute on threads, and a signal still drains or cuts them off.
describeMain('http-server-pool program, TASK_KIND=cpu', fileURLToPath(new URL('../dist/main.js', import.meta.url)), { STORE: 'memory', TASK_KIND: 'cpu' });
