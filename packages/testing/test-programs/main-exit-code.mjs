// main() honours an exit code the program set, and still reports nothing
// parked: a program that stops a worker it left waiting and fails.
import { Channel } from '@gochan/channel';
import { main } from '@gochan/testing';

main(async () => {
  const jobs = new Channel();
  void jobs.recv();
  process.exitCode = 3;
});
