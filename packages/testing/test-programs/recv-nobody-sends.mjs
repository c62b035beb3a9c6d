// Go: func main() { ch := make(chan int); <-ch }
import { Channel } from '@gochan/channel';
import { label, watchDeadlocks } from '@gochan/testing';

watchDeadlocks();
const results = label(new Channel(), 'results');
await results.recv();
console.log('unreachable');
