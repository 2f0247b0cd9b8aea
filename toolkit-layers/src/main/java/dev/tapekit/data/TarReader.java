package dev.tapekit.data;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads the regular files of a tar stream (ustar and GNU headers; pax and long-name records skipped),
 * one at a time, without trusting the sizes headers claim: the caller caps each entry and copies it
 * through a fixed buffer.
 */
final class TarReader {
  private static final int BLOCK = 512;

  /** A regular file in the archive. */
  record Entry(String name, long size) {}

  private final InputStream in;
  private final String source;
  private long remaining;
  private long padding;

  TarReader(InputStream in, String source) {
    this.in = in;
    this.source = source;
  }

  /** The next regular file, or null at the end of the archive; skips what is left of the previous one. */
  Entry next() throws IOException {
    skip(remaining + padding);
    remaining = 0;
    padding = 0;
    byte[] h = new byte[BLOCK];
    while (true) {
      if (!readFully(h)) {
        return null; // tolerated: an archive cut right after a member
      }
      if (allZero(h)) {
        return null;
      }
      long size = octal(h, 124, 12);
      char type = (char) h[156];
      String name = text(h, 0, 100);
      String prefix = text(h, 345, 155);
      long pad = (BLOCK - size % BLOCK) % BLOCK;
      if (type == '0' || type == '\0' || type == '7') {
        remaining = size;
        padding = pad;
        return new Entry(prefix.isEmpty() ? name : prefix + "/" + name, size);
      }
      skip(size + pad); // directories, links, pax and GNU long-name records
    }
  }

  /** Copies the current entry to {@code out}, refusing one larger than {@code max} bytes before reading it. */
  void copy(Entry e, long max, OutputStream out) throws IOException {
    if (e.size() > max) {
      throw new IOException(source + ": member " + e.name() + " claims " + e.size() + " bytes, more than the "
          + max + " it may have");
    }
    byte[] buf = new byte[1 << 16];
    while (remaining > 0) {
      int n = in.read(buf, 0, (int) Math.min(buf.length, remaining));
      if (n < 0) {
        throw new EOFException(source + ": member " + e.name() + " is cut short (" + remaining + " bytes missing)");
      }
      out.write(buf, 0, n);
      remaining -= n;
    }
  }

  private boolean readFully(byte[] b) throws IOException {
    int off = 0;
    while (off < b.length) {
      int n = in.read(b, off, b.length - off);
      if (n < 0) {
        if (off == 0) {
          return false;
        }
        throw new EOFException(source + ": a tar header is cut short");
      }
      off += n;
    }
    return true;
  }

  private void skip(long n) throws IOException {
    while (n > 0) {
      long s = in.skip(n);
      if (s <= 0) {
        if (in.read() < 0) {
          throw new EOFException(source + ": the archive ends inside a member");
        }
        s = 1;
      }
      n -= s;
    }
  }

  private long octal(byte[] h, int off, int len) throws IOException {
    long v = 0;
    for (int i = off; i < off + len; i++) {
      byte c = h[i];
      if (c == 0 || c == ' ') {
        if (v > 0 || i > off) {
          break;
        }
        continue;
      }
      if (c < '0' || c > '7') {
        throw new IOException(source + ": a tar header has a bad size field");
      }
      v = v * 8 + (c - '0');
    }
    return v;
  }

  private static String text(byte[] h, int off, int len) {
    int end = off;
    while (end < off + len && h[end] != 0) {
      end++;
    }
    return new String(h, off, end - off, StandardCharsets.UTF_8);
  }

  private static boolean allZero(byte[] h) {
    for (byte b : h) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }
}
