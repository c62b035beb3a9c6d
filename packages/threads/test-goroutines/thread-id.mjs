import { current } from '../dist/current.js';

// Returns the id of the thread it runs on (the pool's own record of it).
export default function threadId() {
  return current.worker?.runtime.id;
}
