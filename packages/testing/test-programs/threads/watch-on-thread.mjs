// watchDeadlocks() called in a goroutine on a thread: refused, with why.
import { go } from '@gochan/threads';

console.log(await go(new URL('./goroutines/watch-here.mjs', import.meta.url)));
