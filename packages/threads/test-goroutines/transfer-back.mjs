// Receives one value and returns it, so that what crossed twice can be compared.
export default async function transferBack(input) {
  const [value] = await input.recv();
  return value;
}
