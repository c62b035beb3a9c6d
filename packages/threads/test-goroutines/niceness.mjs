import { readlinkSync } from 'node:fs';
import { getPriority } from 'node:os';

// Returns the niceness of the thread it runs on (Linux: /proc/thread-self names the thread).
export default function niceness() {
  return getPriority(Number(readlinkSync('/proc/thread-self').split('/').pop()));
}
