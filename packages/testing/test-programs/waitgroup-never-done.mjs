// Go: var wg sync.WaitGroup; wg.Add(2); go func() { defer wg.Done() }(); wg.Wait()
import { WaitGroup } from '@gochan/waitgroup';
import { label, watchDeadlocks } from '@gochan/testing';

watchDeadlocks();
const wg = label(new WaitGroup(), 'workers');
wg.add(2);
setTimeout(() => wg.done(), 10); // one worker finishes; the other was never started
await wg.wait();
console.log('unreachable');
