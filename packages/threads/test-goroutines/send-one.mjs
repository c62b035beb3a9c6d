// Sends one value on `output` and reports how that send ended.
export default async function sendOne(output, value) {
  try {
    await output.send(value);
    return 'sent';
  } catch (error) {
    return `${error.name}: ${error.message}`;
  }
}
