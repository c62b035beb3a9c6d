// A goroutine that tries to turn the watcher on on its own thread.
import { watchDeadlocks } from '@gochan/testing';

export default function watchHere() {
  try {
    watchDeadlocks();
    return 'watching';
  } catch (error) {
    return error.message;
  }
}
