package dev.tapekit.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * A small deterministic fuzzing harness for the {@code *FuzzTest} classes (issue 15): each case gets its own
 * {@link Random} from the run's seed, its family and its index, builds a mutated input, runs it on a worker
 * thread with a timeout, and is judged by an oracle; every finding (an unexpected exception, an
 * {@link Error} such as {@link OutOfMemoryError}, a raw JDK message, too much memory, a hang) is listed at
 * the end with what reproduces it, and its input is kept under {@code target/fuzz-findings/}.
 *
 * <p>System properties: {@code tapekit.fuzz.seed} (default 15), {@code tapekit.fuzz.scale} (a multiplier of
 * the case counts, default 1), {@code tapekit.fuzz.only} (run only the case {@code family#index}).
 */
public final class Fuzz {
  /** Messages that are a JDK exception's text rather than ours. */
  private static final List<Pattern> RAW = List.of(
      Pattern.compile("^null$"), Pattern.compile(": null$"), Pattern.compile("^-?\\d+$"),
      Pattern.compile("cannot be cast to"), Pattern.compile("Cannot (invoke|read field|load from|store to|read the array)"),
      Pattern.compile("because \""), Pattern.compile("Index -?\\d+ out of bounds for length"),
      Pattern.compile("(String )?index out of range: -?\\d+"), Pattern.compile("begin -?\\d+, end -?\\d+, length"),
      Pattern.compile("offset -?\\d+, count -?\\d+, length"), Pattern.compile("For input string"),
      Pattern.compile("multiple points"), Pattern.compile("\\b[A-Z][A-Za-z]*Exception\\b"),
      Pattern.compile("\\b(OutOfMemory|StackOverflow|Assertion|Internal|Linkage|NoClassDefFound|UnsatisfiedLink|"
          + "ExceptionInInitializer|Unknown|Virtual[A-Za-z]*)Error\\b"),
      Pattern.compile("java\\.(lang|io|util|nio)\\."), Pattern.compile("\tat "));

  /** One case: its name, its random source, and a scratch directory of its own. */
  public static final class Case {
    private final String name;
    private final Random random;
    private final Path dir;
    private final List<String> notes = new ArrayList<>();
    private final List<Path> inputs = new ArrayList<>();

    Case(String name, Random random, Path dir) {
      this.name = name;
      this.random = random;
      this.dir = dir;
    }

    /** The case's name, {@code family#index}. */
    public String name() {
      return name;
    }

    /** The case's random source (the same for the same seed, family and index). */
    public Random random() {
      return random;
    }

    /** A directory for this case's files (deleted after a clean case). */
    public Path dir() {
      return dir;
    }

    /** Records what was done (shown with a finding). */
    public void note(String what) {
      notes.add(what);
    }

    /** Writes an input file, kept with a finding. */
    public Path write(String fileName, byte[] content) throws IOException {
      Path p = dir.resolve(fileName);
      Files.createDirectories(p.getParent());
      Files.write(p, content);
      inputs.add(p);
      return p;
    }

    /** Writes a text input file, kept with a finding. */
    public Path write(String fileName, String content) throws IOException {
      return write(fileName, content.getBytes(StandardCharsets.UTF_8));
    }
  }

  /** The body of a case: builds its input and runs it; returns null if the outcome is clean, else a finding. */
  public interface Body {
    String run(Case c) throws Throwable;
  }

  /** Judges what a call threw: null when it is a clean, documented error, else what is wrong. */
  public interface Oracle {
    String judge(Throwable thrown);
  }

  private final String suite;
  private final Path workDir;
  private final long seed = Long.getLong("tapekit.fuzz.seed", 15);
  private final double scale = Double.parseDouble(System.getProperty("tapekit.fuzz.scale", "1"));
  private final String only = System.getProperty("tapekit.fuzz.only");
  private final long timeoutMs;
  private final long allocationSlack;
  private ExecutorService worker = newWorker();
  private final List<String> findings = new ArrayList<>();
  private int ran;

  /**
   * A run of {@code suite}: cases get {@code timeoutMs} each; a case may allocate on its thread at most
   * {@code allocationSlack} bytes plus 64 bytes per byte of input.
   */
  public Fuzz(String suite, Path workDir, long timeoutMs, long allocationSlack) {
    this.suite = suite;
    this.workDir = workDir;
    this.timeoutMs = timeoutMs;
    this.allocationSlack = allocationSlack;
  }

  private static ExecutorService newWorker() {
    return Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "fuzz-case");
      t.setDaemon(true);
      return t;
    });
  }

  /** The number of cases for a family: {@code n} times {@code tapekit.fuzz.scale}. */
  public int cases(int n) {
    return Math.max(1, (int) Math.round(n * scale));
  }

  /** Runs {@code n} (scaled) cases of {@code family}. */
  public void run(String family, int n, Body body) throws IOException {
    int count = cases(n);
    for (int i = 0; i < count; i++) {
      String name = family + "#" + i;
      if (only != null && !only.equals(name)) {
        continue;
      }
      Random r = new Random(mix(mix(mix(seed) ^ family.hashCode()) ^ i));
      Path dir = workDir.resolve(family + "-" + i);
      Files.createDirectories(dir);
      Case c = new Case(name, r, dir);
      String finding = runOne(c, body);
      ran++;
      if (finding != null) {
        keep(c, finding);
      } else {
        deleteTree(dir);
      }
    }
  }

  /** A 64-bit finalizer (MurmurHash3's), so that neighbouring case numbers give unrelated random streams. */
  static long mix(long z) {
    z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
    z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
    return z ^ (z >>> 33);
  }

  private String runOne(Case c, Body body) {
    Future<String> f = worker.submit(() -> {
      com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean)
          java.lang.management.ManagementFactory.getThreadMXBean();
      long id = Thread.currentThread().getId();
      long before = mx.getThreadAllocatedBytes(id);
      CURRENT.set(this);
      String result;
      try {
        result = body.run(c);
      } catch (Throwable t) {
        result = "uncaught " + describe(t);
      }
      long allocated = mx.getThreadAllocatedBytes(id) - before;
      long inputs = 0;
      for (Path p : c.inputs) {
        inputs += Files.exists(p) ? Files.size(p) : 0;
      }
      if (result == null && allocated > allocationSlack + 64 * inputs) {
        result = "allocated " + allocated + " bytes for " + inputs + " bytes of input";
      }
      return result;
    });
    try {
      return f.get(timeoutMs, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      f.cancel(true);
      worker.shutdownNow();
      worker = newWorker();
      return "no result within " + timeoutMs + " ms (a hang?)";
    } catch (ExecutionException e) {
      return "harness: " + describe(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  private void keep(Case c, String finding) {
    String line = suite + " " + c.name + ": " + finding.replace('\n', ' ')
        + (c.notes.isEmpty() ? "" : " [" + String.join("; ", c.notes) + "]")
        + " (reproduce: -Dtapekit.fuzz.seed=" + seed + " -Dtapekit.fuzz.only=" + c.name + ")";
    findings.add(line.length() > 1500 ? line.substring(0, 1500) + "..." : line);
    try {
      Path keep = Path.of("target", "fuzz-findings", suite, c.name.replace('#', '-'));
      Files.createDirectories(keep);
      for (Path p : c.inputs) {
        if (Files.isRegularFile(p)) {
          Files.copy(p, keep.resolve(p.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
      }
    } catch (IOException ignored) {
      // the finding is listed either way
    }
  }

  /** The findings so far, one line each. */
  public List<String> findings() {
    return List.copyOf(findings);
  }

  /** How many cases ran. */
  public int ran() {
    return ran;
  }

  /** A one-line report of the run's findings (empty when clean). */
  public String report() {
    StringBuilder b = new StringBuilder();
    b.append(summary()).append("\n").append(findings.size()).append(" finding(s) in ").append(ran).append(" cases of ").append(suite)
        .append(" (seed ").append(seed).append("):");
    for (String f : findings.subList(0, Math.min(40, findings.size()))) {
      b.append("\n  ").append(f);
    }
    return b.toString();
  }

  /** "ClassName: message" of a throwable and its first frame in tapekit (for findings). */
  public static String describe(Throwable t) {
    String where = "";
    for (StackTraceElement e : t.getStackTrace()) {
      if (e.getClassName().startsWith("dev.tapekit.") && !e.getClassName().startsWith("dev.tapekit.testing")) {
        where = " at " + e.getClassName().substring(e.getClassName().lastIndexOf('.') + 1) + "." + e.getMethodName()
            + ":" + e.getLineNumber();
        break;
      }
    }
    String cause = t.getCause() != null && t.getCause() != t ? " caused by " + describe(t.getCause()) : "";
    return t.getClass().getName() + ": " + t.getMessage() + where + cause;
  }

  /**
   * What is wrong with an error message for a user, or null: it must be one line, not blank, of sane length,
   * and not a JDK exception's text.
   */
  public static String badMessage(String m) {
    if (m == null || m.isBlank()) {
      return "no message";
    }
    if (m.contains("\n") || m.contains("\r")) {
      return "more than one line: " + m;
    }
    if (m.length() > 4000) {
      return "a message of " + m.length() + " characters";
    }
    for (Pattern p : RAW) {
      if (p.matcher(m).find()) {
        return "raw exception text (" + p.pattern() + "): " + m;
      }
    }
    return null;
  }

  /** An oracle accepting the given exception classes (exactly, or any in package dev.tapekit) with a clean message. */
  @SafeVarargs
  public static Oracle accepting(Class<? extends Throwable>... documented) {
    return t -> {
      boolean ok = t.getClass().getName().startsWith("dev.tapekit.");
      for (Class<? extends Throwable> c : documented) {
        ok |= t.getClass() == c;
      }
      if (!ok || t instanceof Error) {
        return "undocumented " + describe(t);
      }
      String bad = badMessage(t.getMessage());
      return bad == null ? null : t.getClass().getSimpleName() + " with " + bad
          + (t.getCause() == null ? "" : " (caused by " + describe(t.getCause()) + ")");
    };
  }

  /** Runs {@code call}; null when it returns or throws what {@code oracle} accepts, else the finding. */
  public static String expect(Oracle oracle, Callable call) {
    Fuzz run = CURRENT.get();
    try {
      call.call();
      if (run != null) {
        run.accepted++;
      }
      return null;
    } catch (Throwable t) {
      if (run != null) {
        run.refused++;
      }
      return oracle.judge(t);
    }
  }

  /** Counts a case's outcome for {@link #summary} when a body judges it without {@link #expect}. */
  public static void count(boolean accepted) {
    Fuzz run = CURRENT.get();
    if (run != null) {
      if (accepted) {
        run.accepted++;
      } else {
        run.refused++;
      }
    }
  }

  private static final ThreadLocal<Fuzz> CURRENT = new ThreadLocal<>();
  private int accepted;
  private int refused;

  /** "npy: 700 cases, 120 accepted, 580 refused cleanly, 0 findings, 0.4 s". */
  public String summary() {
    return String.format(java.util.Locale.ROOT, "fuzz %s: %d cases (seed %d), %d accepted, %d refused, %d findings, %.1f s",
        suite, ran, seed, accepted, refused, findings.size(), (System.nanoTime() - started) / 1e9);
  }

  private final long started = System.nanoTime();

  /** Code under test. */
  public interface Callable {
    void call() throws Throwable;
  }

  // ---------------------------------------------------------------- mutations

  /** 32-bit values that break size fields. */
  public static final long[] INTERESTING_INTS = {0, 1, -1, 2, 7, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff,
      0x10000, 0x7ffffff0, 0x7fffffff, 0x80000000L, 0xfffffff0L, 0xffffffffL, 1000000000, 500000000, 2000000000};

  /** Bytes with some random damage: bit flips, interesting bytes and ints, cuts, insertions, duplicates. */
  public static byte[] mutateBytes(byte[] in, Random r) {
    byte[] b = in.clone();
    int edits = 1 + r.nextInt(4);
    for (int e = 0; e < edits; e++) {
      if (b.length == 0) {
        return new byte[] {(byte) r.nextInt(256)};
      }
      int at = r.nextInt(b.length);
      switch (r.nextInt(8)) {
        case 0 -> b[at] ^= (byte) (1 << r.nextInt(8));
        case 1 -> b[at] = (byte) new int[] {0, 0xff, 0x7f, 0x80, 1, '(', ')', ',', '\'', '-', '9'}[r.nextInt(11)];
        case 2 -> {
          long v = INTERESTING_INTS[r.nextInt(INTERESTING_INTS.length)];
          boolean little = r.nextBoolean();
          for (int k = 0; k < 4 && at + k < b.length; k++) {
            b[at + k] = (byte) (little ? v >>> (8 * k) : v >>> (8 * (3 - k)));
          }
        }
        case 3 -> b = java.util.Arrays.copyOf(b, at);
        case 4 -> {
          int len = 1 + r.nextInt(Math.min(64, b.length - at));
          byte[] out = new byte[b.length - len];
          System.arraycopy(b, 0, out, 0, at);
          System.arraycopy(b, at + len, out, at, b.length - at - len);
          b = out;
        }
        case 5 -> {
          int len = 1 + r.nextInt(Math.min(64, b.length - at));
          byte[] out = new byte[b.length + len];
          System.arraycopy(b, 0, out, 0, at + len);
          System.arraycopy(b, at, out, at + len, b.length - at);
          b = out;
        }
        case 6 -> {
          byte[] out = new byte[b.length + 1];
          System.arraycopy(b, 0, out, 0, at);
          out[at] = (byte) r.nextInt(256);
          System.arraycopy(b, at, out, at + 1, b.length - at);
          b = out;
        }
        default -> b[at] = (byte) r.nextInt(256);
      }
    }
    return b;
  }

  /** Numbers, words and symbols that break parsers when put in place of a token. */
  public static final String[] INTERESTING_TOKENS = {"0", "-1", "1", "2", "3", "-3", "16.5", "1e9", "-1e9", "1e308",
      "-1e308", "1e999", "4294967312", "2147483648", "-2147483649", "9223372036854775808", "500000000", "700000",
      "65536", "NaN", "nan", "inf", "-inf", "Infinity", ".nan", ".inf", "abc", "", " ", "''", "\"\"", "null", "~",
      "true", "[]", "{}", "[1, 2]", "[0, 0]", "[-1]", "[100000, 100000]", "{a: 1}", "relu", "x", ",", ":", "-",
      "'", "\"", "(", ")", "[", "]", "{", "}", "#", "&a", "*a", "!!str", "0x10", "1_000", "+5", "00", "1.", ".5"};

  /** Text with a token replaced, a line deleted, duplicated or cut, or characters inserted. */
  public static String mutateText(String in, Random r) {
    String s = in;
    int edits = 1 + r.nextInt(3);
    for (int e = 0; e < edits; e++) {
      if (s.isEmpty()) {
        return INTERESTING_TOKENS[r.nextInt(INTERESTING_TOKENS.length)];
      }
      switch (r.nextInt(7)) {
        case 0, 1, 2 -> s = replaceToken(s, r, INTERESTING_TOKENS[r.nextInt(INTERESTING_TOKENS.length)]);
        case 3 -> {
          List<String> lines = new ArrayList<>(List.of(s.split("\n", -1)));
          int i = r.nextInt(lines.size());
          if (r.nextBoolean()) {
            lines.remove(i);
          } else {
            lines.add(i, lines.get(i));
          }
          s = String.join("\n", lines);
        }
        case 4 -> s = s.substring(0, r.nextInt(s.length()));
        case 5 -> {
          int at = r.nextInt(s.length());
          String ins = new String[] {"\t", " ", "\n", "\u0000", "\u00e9", "\uFEFF", ",", ":", "  "}[r.nextInt(9)];
          s = s.substring(0, at) + ins + s.substring(at);
        }
        default -> {
          int at = r.nextInt(s.length());
          s = s.substring(0, at) + s.substring(Math.min(s.length(), at + 1 + r.nextInt(8)));
        }
      }
    }
    return s;
  }

  private static final Pattern TOKEN = Pattern.compile("-?[0-9][0-9.eE+-]*|[A-Za-z_][A-Za-z0-9_]*");

  /** Replaces a random number or word of {@code s} with {@code with}. */
  public static String replaceToken(String s, Random r, String with) {
    java.util.regex.Matcher m = TOKEN.matcher(s);
    List<int[]> spans = new ArrayList<>();
    while (m.find()) {
      spans.add(new int[] {m.start(), m.end()});
    }
    if (spans.isEmpty()) {
      return s + with;
    }
    int[] sp = spans.get(r.nextInt(spans.size()));
    return s.substring(0, sp[0]) + with + s.substring(sp[1]);
  }

  /** Replaces a random number of {@code s} (not a word) with {@code with}. */
  public static String replaceNumber(String s, Random r, String with) {
    java.util.regex.Matcher m = Pattern.compile("-?\\b[0-9]+\\b").matcher(s);
    List<int[]> spans = new ArrayList<>();
    while (m.find()) {
      spans.add(new int[] {m.start(), m.end()});
    }
    if (spans.isEmpty()) {
      return s;
    }
    int[] sp = spans.get(r.nextInt(spans.size()));
    return s.substring(0, sp[0]) + with + s.substring(sp[1]);
  }

  /** Values that break configs when put in place of another. */
  public static Object interestingValue(Random r) {
    Object[] v = {0, -1, 1, 2, 3, -3, 16.5, 1e9, -1e9, 1e308, -1e308, 4294967312L, 2147483648L, -2147483649L,
        new java.math.BigInteger("18446744073709551616"), 500000000, 700000, 65536, 100000, "abc", "", " ", "NaN",
        "inf", "-1", "relu", "Dense", "adam", "float64", "int32", null, true, false, List.of(), java.util.Map.of(),
        List.of(1, 2), List.of(0, 0), List.of(-1), List.of(100000, 100000), List.of("a"), java.util.Map.of("a", 1),
        java.util.Map.of("class_name", "Zeros", "config", java.util.Map.of())};
    return deepCopy(v[r.nextInt(v.length)]);
  }

  /**
   * A mutated deep copy of a tree of maps and lists (parsed JSON or YAML): one to three edits, each replacing a
   * value with an {@link #interestingValue}, removing a key or element, duplicating an element, or adding a key.
   */
  public static Object mutateTree(Object root, Random r) {
    Object copy = deepCopy(root);
    int edits = 1 + r.nextInt(3);
    for (int e = 0; e < edits; e++) {
      List<Object[]> slots = new ArrayList<>();
      collect(copy, slots);
      if (slots.isEmpty()) {
        return interestingValue(r);
      }
      Object[] slot = slots.get(r.nextInt(slots.size()));
      edit(slot[0], slot[1], r);
    }
    return copy;
  }

  @SuppressWarnings("unchecked")
  private static void edit(Object container, Object key, Random r) {
    int what = r.nextInt(10);
    if (container instanceof java.util.Map<?, ?> m0) {
      java.util.Map<Object, Object> m = (java.util.Map<Object, Object>) m0;
      if (what < 6) {
        m.put(key, interestingValue(r));
      } else if (what < 8) {
        m.remove(key);
      } else if (what < 9) {
        m.put(key + "x", interestingValue(r));
      } else {
        Object v = m.get(key);
        m.put(key, v instanceof String s ? mutateText(s, r) : new ArrayList<>(java.util.Collections.singletonList(deepCopy(v))));
      }
    } else {
      List<Object> l = (List<Object>) container;
      int i = (Integer) key;
      if (what < 6) {
        l.set(i, interestingValue(r));
      } else if (what < 8) {
        l.remove(i);
      } else {
        l.add(i, deepCopy(l.get(i)));
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static void collect(Object node, List<Object[]> slots) {
    if (node instanceof java.util.Map<?, ?> m) {
      for (Object k : new ArrayList<>(m.keySet())) {
        slots.add(new Object[] {m, k});
        collect(m.get(k), slots);
      }
    } else if (node instanceof List<?> l) {
      for (int i = 0; i < l.size(); i++) {
        slots.add(new Object[] {l, i});
        collect(l.get(i), slots);
      }
    }
  }

  /** A deep, mutable copy of maps (insertion-ordered) and lists. */
  public static Object deepCopy(Object node) {
    if (node instanceof java.util.Map<?, ?> m) {
      java.util.Map<Object, Object> out = new java.util.LinkedHashMap<>();
      for (java.util.Map.Entry<?, ?> e : m.entrySet()) {
        out.put(e.getKey(), deepCopy(e.getValue()));
      }
      return out;
    }
    if (node instanceof List<?> l) {
      List<Object> out = new ArrayList<>();
      for (Object o : l) {
        out.add(deepCopy(o));
      }
      return out;
    }
    return node;
  }

  /** Deletes a directory tree (best effort). */
  public static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (var walk = Files.walk(dir)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException ignored) {
          // best effort
        }
      });
    } catch (IOException ignored) {
      // best effort
    }
  }

  /** A zip archive holding {@code entries} in their order (for mutating model files entry by entry). */
  public static byte[] zip(java.util.Map<String, byte[]> entries) throws IOException {
    java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
    try (java.util.zip.ZipOutputStream z = new java.util.zip.ZipOutputStream(b)) {
      for (java.util.Map.Entry<String, byte[]> e : entries.entrySet()) {
        z.putNextEntry(new java.util.zip.ZipEntry(e.getKey()));
        z.write(e.getValue());
        z.closeEntry();
      }
    }
    return b.toByteArray();
  }
}
