import { spawn } from '@gochan/threads';

// Calls spawn() from a goroutine, where it is refused; reports how.
export default async function spawnInside(url) {
  const g = spawn(new URL(url), 1, 2);
  try {
    await g.result;
    return 'ran';
  } catch (error) {
    return { thread: g.thread ?? null, message: error.message, terminated: await g.terminate() };
  }
}
