package dev.tapekit.data;

import java.util.Iterator;

/**
 * One pass over a {@link Pipeline}. Closing it ends the pass early and stops what runs for it (a
 * prefetch thread); a pass that ran to its end needs no close.
 */
public interface SourceIterator extends Iterator<Batch>, AutoCloseable {
  @Override
  default void close() {}

  /** Closes {@code it} when it is a SourceIterator (a plain source's iterator holds nothing). */
  static void closeIfNeeded(Iterator<Batch> it) {
    if (it instanceof SourceIterator s) {
      s.close();
    }
  }
}
