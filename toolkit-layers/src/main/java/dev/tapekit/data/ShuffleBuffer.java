package dev.tapekit.data;

import java.util.ArrayList;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;

/**
 * {@link Pipeline#shuffle}'s buffer, as tf.data's: filled with the first {@code size} elements; each
 * output is a uniformly drawn buffer slot, refilled from upstream; at the end the buffer drains.
 */
final class ShuffleBuffer extends Pipeline.Passing {
  private final int size;
  private final SplittableRandom rng;
  private final ArrayList<Batch> buffer;

  ShuffleBuffer(SourceIterator up, int size, SplittableRandom rng) {
    super(up);
    this.size = size;
    this.rng = rng;
    // NOTE: grows as filled: a buffer larger than the data never allocates what it merely could hold
    this.buffer = new ArrayList<>(Math.min(size, 1024));
  }

  private void fill() {
    while (buffer.size() < size && up.hasNext()) {
      buffer.add(up.next());
    }
  }

  @Override
  public boolean hasNext() {
    fill();
    return !buffer.isEmpty();
  }

  @Override
  public Batch next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    int i = rng.nextInt(buffer.size());
    Batch out = buffer.get(i);
    Batch last = buffer.remove(buffer.size() - 1);
    if (i < buffer.size()) {
      buffer.set(i, last);
    }
    return out;
  }
}
