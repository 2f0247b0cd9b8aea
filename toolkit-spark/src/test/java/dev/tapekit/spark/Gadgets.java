package dev.tapekit.spark;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Classes a hostile checkpoint names. Reading a checkpoint must run none of their code: {@link One}'s
 * readObject sets {@link #READ}; {@link Two}, which no test refers to, sets a system property when it is
 * initialized.
 */
final class Gadgets {
  static final AtomicBoolean READ = new AtomicBoolean();
  static final String INITIALIZED = "tapekit.test.gadget.initialized";

  private Gadgets() {}

  /** A gadget whose deserialization hook records that it ran. */
  static final class One implements Serializable {
    private static final long serialVersionUID = 1L;
    String payload = "gadget payload";

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
      in.defaultReadObject();
      READ.set(true);
    }
  }

  /** The same fields as {@link One}; only a stream naming it (see {@link #namingTwo}) may load it. */
  static final class Two implements Serializable {
    private static final long serialVersionUID = 1L;
    String payload;

    static {
      System.setProperty(INITIALIZED, "true");
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
      in.defaultReadObject();
      READ.set(true);
    }
  }

  /** A serialized HashMap holding a {@link One}, as an old Java-serialization checkpoint would hold objects. */
  static byte[] mapWithOne() throws IOException {
    HashMap<String, Object> m = new HashMap<>();
    m.put("epochsDone", 1);
    m.put("gadget", new One());
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(b)) {
      out.writeObject(m);
    }
    return b.toByteArray();
  }

  /** {@link #mapWithOne} with the class name changed to {@link Two} (same length), without touching Two. */
  static byte[] namingTwo() throws IOException {
    byte[] b = mapWithOne();
    byte[] from = (Gadgets.class.getName() + "$One").getBytes(StandardCharsets.UTF_8);
    byte[] to = (Gadgets.class.getName() + "$Two").getBytes(StandardCharsets.UTF_8);
    int replaced = 0;
    for (int i = 0; i + from.length <= b.length; i++) {
      boolean match = true;
      for (int j = 0; j < from.length && match; j++) {
        match = b[i + j] == from[j];
      }
      if (match) {
        System.arraycopy(to, 0, b, i, to.length);
        replaced++;
      }
    }
    if (replaced != 1) {
      throw new IllegalStateException("expected the class name once in the stream, found it " + replaced + " times");
    }
    return b;
  }
}
