// A goroutine that is given a channel and lets go of it at once: returns its capacity.
export default function touch(ch) {
  return ch.capacity;
}
