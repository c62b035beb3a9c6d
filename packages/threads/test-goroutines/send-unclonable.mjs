// Tries to send a value that cannot be cloned, then sends 'ok': reports how the first send ended.
export default async function sendUnclonable(output) {
  let first;
  try {
    await output.send({ callback: () => 1 });
    first = 'sent';
  } catch (error) {
    first = `${error.name}: ${error.message}`;
  }
  await output.send('ok');
  return first;
}
