// A goroutine that ends its thread.
export default function exit(code) {
  process.exit(code);
}
