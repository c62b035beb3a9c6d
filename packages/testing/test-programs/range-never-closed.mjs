// Go: jobs := make(chan int, 3); go func() { for j := 0; j < 3; j++ { jobs <- j } }(); for j := range jobs { ... }
import { Channel } from '@gochan/channel';
import { label, watchDeadlocks } from '@gochan/testing';

watchDeadlocks();
const jobs = label(new Channel(3), 'jobs');
void (async () => {
  for (let j = 0; j < 3; j++) await jobs.send(j);
  // forgot: jobs.close()
})();
for await (const j of jobs) console.log('job', j);
console.log('unreachable');
