import { Channel, recv, select, send } from '@gochan/channel';

// One select over a receive from another thread's `remote` and a send on a
// channel of this thread that a local goroutine receives from: reports which ran.
export default async function selectLocal(remote, localFirst) {
  const local = new Channel();
  let localGot;
  const receiver = (async () => {
    if (!localFirst) await new Promise((resolve) => setTimeout(resolve, 30));
    const [v, ok] = await local.recv(AbortSignal.timeout(200));
    localGot = ok ? v : undefined;
  })().catch(() => {});
  const [index, value] = await select([recv(remote), send(local, 'from-select')]);
  await receiver;
  return { index, value, localGot };
}
