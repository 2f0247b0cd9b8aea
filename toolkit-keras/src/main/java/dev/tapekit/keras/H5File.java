package dev.tapekit.keras;

import dev.tapekit.core.Tensor;
import io.jhdf.HdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.jhdf.exceptions.HdfException;
import java.lang.reflect.Array;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Bounded reads of an HDF5 file (through jhdf) for the Keras readers: every error names the file and the
 * object, and a dataset's data is read only after its shape was checked against what the caller expects
 * (the model's weight), so a file's size fields never make us allocate more than the model needs.
 */
public final class H5File implements AutoCloseable {
  /** The largest string attribute read (a model config): 64 MiB, far above any real model's. */
  public static final long MAX_ATTRIBUTE_BYTES = 64L << 20;
  private final HdfFile file;
  private final String name;

  private H5File(HdfFile file, String name) {
    this.file = file;
    this.name = name;
  }

  /** The largest HDF5 file read: the bytes are held in memory (one Java array). */
  public static final long MAX_FILE_BYTES = Integer.MAX_VALUE - 8;

  /**
   * Opens {@code path}; a file jhdf cannot parse is an IllegalArgumentException naming it.
   *
   * <p>NOTE: the file is read into memory and parsed from there. jhdf reading from a file channel allocates a
   * buffer of whatever length an object header claims (an OutOfMemoryError on a hostile file); from memory,
   * a length past the end fails as a read error instead. Keras's weights are as large as the file anyway.
   */
  public static H5File open(Path path) {
    if (!Files.isRegularFile(path)) {
      throw new IllegalArgumentException(path + ": no such file");
    }
    byte[] bytes;
    try {
      long size = Files.size(path);
      if (size > MAX_FILE_BYTES) {
        throw new IllegalArgumentException(path + " has " + size + " bytes; tapekit reads HDF5 files of up to "
            + MAX_FILE_BYTES + " bytes");
      }
      bytes = Files.readAllBytes(path);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("Could not read " + path + ": " + e.getMessage(), e);
    }
    return of(bytes, path.toString());
  }

  /** Opens HDF5 bytes (an entry of a {@code .keras} zip); {@code name} is used in messages. */
  public static H5File of(byte[] bytes, String name) {
    try {
      return new H5File(HdfFile.fromBytes(bytes), name);
    } catch (HdfException | IllegalArgumentException | IllegalStateException | IndexOutOfBoundsException
        | java.nio.BufferUnderflowException | NegativeArraySizeException | ArithmeticException
        | UnsupportedOperationException e) {
      throw new IllegalArgumentException(name + " is not a readable HDF5 file: " + reason(e), e);
    }
  }

  /** The name used in messages (the file's path). */
  public String name() {
    return name;
  }

  /** The node at {@code path} ("/" separated), or null when there is none. */
  public Node node(String path) {
    return guard(path, () -> {
      Node n = file;
      for (String part : path.split("/")) {
        if (part.isEmpty()) {
          continue;
        }
        if (!(n instanceof Group g)) {
          return null;
        }
        n = g.getChildren().get(part);
        if (n == null) {
          return null;
        }
      }
      return n;
    });
  }

  /** The group at {@code path}, or null when there is none (or it is not a group). */
  public Group group(String path) {
    return node(path) instanceof Group g ? g : null;
  }

  /** The names of the children of group {@code path} in the file's order (empty when no such group). */
  public List<String> children(String path) {
    Group g = group(path);
    return g == null ? List.of() : guard(path, () -> new ArrayList<>(g.getChildren().keySet()));
  }

  /** A string attribute of {@code path} (bytes decoded as UTF-8), or null when absent. */
  public String stringAttribute(String path, String attribute) {
    Object v = attributeValue(path, attribute);
    if (v == null) {
      return null;
    }
    if (v instanceof String s) {
      return s;
    }
    if (v instanceof byte[] b) {
      return new String(b, StandardCharsets.UTF_8);
    }
    if (v.getClass().isArray() && Array.getLength(v) == 1 && Array.get(v, 0) instanceof String s) {
      return s;
    }
    throw new IllegalArgumentException(name + ": attribute " + attribute + " of " + where(path)
        + " must be a string, got " + v.getClass().getSimpleName());
  }

  /** A list-of-strings attribute (Keras's {@code layer_names}, {@code weight_names}), or null when absent. */
  public List<String> stringsAttribute(String path, String attribute) {
    Object v = attributeValue(path, attribute);
    if (v == null) {
      return null;
    }
    if (v instanceof String s) {
      return List.of(s);
    }
    if (!v.getClass().isArray()) {
      throw new IllegalArgumentException(name + ": attribute " + attribute + " of " + where(path)
          + " must be a list of strings, got " + v.getClass().getSimpleName());
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < Array.getLength(v); i++) {
      Object e = Array.get(v, i);
      out.add(e instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(e));
    }
    return out;
  }

  /** Every attribute of {@code path} by name, values as jhdf returns them (for diagnostics and tests). */
  public Map<String, Object> attributes(String path) {
    Node n = node(path);
    if (n == null) {
      return Map.of();
    }
    return guard(path, () -> {
      Map<String, Object> out = new LinkedHashMap<>();
      for (Map.Entry<String, Attribute> e : n.getAttributes().entrySet()) {
        out.put(e.getKey(), checkedData(e.getValue(), path, e.getKey()));
      }
      return out;
    });
  }

  private Object attributeValue(String path, String attribute) {
    Node n = node(path);
    if (n == null) {
      return null;
    }
    return guard(path, () -> {
      Attribute a = n.getAttribute(attribute);
      return a == null ? null : checkedData(a, path, attribute);
    });
  }

  private Object checkedData(Attribute a, String path, String attribute) {
    if (a.getSizeInBytes() > MAX_ATTRIBUTE_BYTES) {
      throw new IllegalArgumentException(name + ": attribute " + attribute + " of " + where(path) + " claims "
          + a.getSizeInBytes() + " bytes, more than the " + MAX_ATTRIBUTE_BYTES + " read");
    }
    return a.getData();
  }

  /** The shape of dataset {@code path}, or null when there is no such dataset. */
  public long[] shape(String path) {
    Node n = node(path);
    if (!(n instanceof Dataset d)) {
      return null;
    }
    return guard(path, () -> Arrays.stream(d.getDimensions()).asLongStream().toArray());
  }

  /**
   * Dataset {@code path} as a float32 tensor of shape {@code expected}: the dataset's shape must equal it
   * (checked before its data is read) and its type must be a float.
   */
  public Tensor floats(String path, long[] expected, String what) {
    Node n = node(path);
    if (!(n instanceof Dataset d)) {
      throw new IllegalArgumentException(name + ": " + what + ": no dataset " + where(path));
    }
    long[] shape = guard(path, () -> Arrays.stream(d.getDimensions()).asLongStream().toArray());
    if (!Arrays.equals(shape, expected)) {
      throw new IllegalArgumentException(name + ": " + what + ": dataset " + where(path) + " has shape "
          + dev.tapekit.layers.Config.shapeStr(shape) + " but the model expects "
          + dev.tapekit.layers.Config.shapeStr(expected));
    }
    return guard(path, () -> {
      Class<?> type = d.getJavaType();
      if (type != float.class && type != double.class) {
        throw new IllegalArgumentException(name + ": " + what + ": dataset " + where(path) + " holds "
            + type.getSimpleName() + ", not floats");
      }
      Object flat = d.isScalar() ? wrapScalar(d.getData()) : d.getDataFlat();
      float[] f;
      if (flat instanceof float[] fa) {
        f = fa;
      } else {
        double[] da = (double[]) flat;
        f = new float[da.length];
        for (int i = 0; i < da.length; i++) {
          f[i] = (float) da[i];
        }
      }
      return Tensor.of(f, expected);
    });
  }

  /**
   * Dataset {@code path} as a float32 tensor of the dataset's own shape, refused before its data is read
   * when it holds more than {@code maxElements} values (what the model can take) or is not floats; for
   * weights that are converted after reading (Keras 1's layouts).
   */
  public Tensor floatsUpTo(String path, long maxElements, String what) {
    long[] shape = shape(path);
    if (shape == null) {
      throw new IllegalArgumentException(name + ": " + what + ": no dataset " + where(path));
    }
    long n = 1;
    for (long d : shape) {
      n = d < 0 || n > maxElements ? Long.MAX_VALUE : n * d;
    }
    if (n > maxElements) {
      throw new IllegalArgumentException(name + ": " + what + ": dataset " + where(path) + " has shape "
          + dev.tapekit.layers.Config.shapeStr(shape) + ", more values than the model's " + maxElements);
    }
    return floats(path, shape, what);
  }

  private static Object wrapScalar(Object v) {
    if (v instanceof Float x) {
      return new float[] {x};
    }
    return new double[] {((Number) v).doubleValue()};
  }

  private static String where(String path) {
    return path.startsWith("/") ? path : "/" + path;
  }

  private interface Read<T> {
    T get();
  }

  /** Runs a jhdf read, turning its failures on a corrupt file into one message naming the object. */
  private <T> T guard(String path, Read<T> read) {
    try {
      return read.get();
    } catch (HdfException | IllegalStateException | IndexOutOfBoundsException | java.nio.BufferUnderflowException
        | NegativeArraySizeException | ClassCastException | UnsupportedOperationException | ArithmeticException
        | java.nio.BufferOverflowException e) {
      throw new IllegalArgumentException(name + ": cannot read " + where(path) + ": " + reason(e), e);
    }
  }

  private static String reason(RuntimeException e) {
    String m = e.getMessage();
    // a JDK exception without a message (a buffer read past its end) says only what kind of damage it is
    return m == null || m.isBlank() ? "truncated or corrupt data" : String.join(" ", m.strip().split("\\s*\\R\\s*"));
  }

  @Override
  public void close() {
    file.close();
  }
}
