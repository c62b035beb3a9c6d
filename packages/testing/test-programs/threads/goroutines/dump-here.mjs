// A goroutine that takes a dump on its own thread and sends it.
import { dump } from '@gochan/testing';

export default async function dumpHere(results) {
  await results.send(dump({ wait: 5000 }));
}
