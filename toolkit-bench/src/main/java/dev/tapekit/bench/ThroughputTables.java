package dev.tapekit.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The throughput mode's Markdown tables: each engine at its best setting (named), ratios of those
 * bests, the thread sweep with scaling efficiency, and the raw per-round and per-repeat values.
 */
final class ThroughputTables {
  private final List<String> engines;
  private final List<String> workloads;
  private final List<BenchMain.Cell> cells;
  private final Map<String, String> notes;
  private final int rounds;
  private final int repeats;

  ThroughputTables(List<String> engines, List<String> workloads, List<BenchMain.Cell> cells,
      Map<String, String> notes, int rounds, int repeats) {
    this.engines = engines;
    this.workloads = workloads;
    this.cells = cells;
    this.notes = notes;
    this.rounds = rounds;
    this.repeats = repeats;
  }

  /** Median over rounds of one engine, setting and workload; null when it has no result. */
  Double median(String engine, String setting, String workload) {
    List<Double> v = new ArrayList<>();
    for (BenchMain.Cell c : cells) {
      if (c.engine().equals(engine) && c.setting().label().equals(setting) && c.workload().equals(workload)) {
        v.add(c.median());
      }
    }
    return v.isEmpty() ? null : Stats.median(v);
  }

  /** The engine's setting labels in run order. */
  Set<String> settings(String engine) {
    Set<String> s = new LinkedHashSet<>();
    cells.stream().filter(c -> c.engine().equals(engine)).forEach(c -> s.add(c.setting().label()));
    return s;
  }

  /** The engine's best setting on a workload: its label, or null. */
  String best(String engine, String workload) {
    String best = null;
    double top = -1;
    for (String s : settings(engine)) {
      Double v = median(engine, s, workload);
      if (v != null && v > top) {
        top = v;
        best = s;
      }
    }
    return best;
  }

  Double bestValue(String engine, String workload) {
    String b = best(engine, workload);
    return b == null ? null : median(engine, b, workload);
  }

  void print(PrintStream out) {
    out.println();
    out.println("Samples/s (higher is better): median over " + rounds + " round(s) of the median of " + repeats
        + " repeats; each engine at its best thread setting, named in brackets");
    out.println();
    StringBuilder head = new StringBuilder("| workload |");
    StringBuilder rule = new StringBuilder("|---|");
    for (String e : engines) {
      head.append(' ').append(BenchMain.TITLES.getOrDefault(e, e)).append(" |");
      rule.append("---:|");
    }
    out.println(head);
    out.println(rule);
    for (String id : workloads) {
      Workload w = Workload.byId(id);
      StringBuilder row = new StringBuilder("| " + w.id() + " " + w.describe() + " |");
      for (String e : engines) {
        String b = best(e, w.id());
        row.append(' ').append(b != null ? BenchMain.fmt(median(e, b, w.id())) + " (" + b + ")"
            : notes.getOrDefault(e, "-")).append(" |");
      }
      out.println(row);
    }
    ratios(out);
    sweep(out);
    raw(out);
  }

  private void ratios(PrintStream out) {
    List<String[]> shown = new ArrayList<>();
    StringBuilder head = new StringBuilder("| workload |");
    StringBuilder rule = new StringBuilder("|---|");
    for (String[] p : BenchMain.RATIOS) {
      if (engines.contains(p[0]) && engines.contains(p[1])) {
        shown.add(p);
        head.append(' ').append(p[0]).append(" / ").append(p[1]).append(" |");
        rule.append("---:|");
      }
    }
    if (shown.isEmpty()) {
      return;
    }
    out.println();
    out.println("Ratios of the best settings (samples/s of the first over the second):");
    out.println();
    out.println(head);
    out.println(rule);
    for (String id : workloads) {
      StringBuilder row = new StringBuilder("| " + id + " |");
      for (String[] p : shown) {
        Double a = bestValue(p[0], id);
        Double b = bestValue(p[1], id);
        row.append(' ').append(a != null && b != null ? String.format(Locale.ROOT, "%.2f", a / b) : "-")
            .append(" |");
      }
      out.println(row);
    }
  }

  /**
   * Samples/s at each thread count and the scaling efficiency, speed at N / (N * speed at 1); only
   * for engines run at more than one count.
   */
  private void sweep(PrintStream out) {
    Map<String, List<BenchMain.Cell>> byEngine = new LinkedHashMap<>();
    for (BenchMain.Cell c : cells) {
      if (c.setting().threads() > 0) {
        byEngine.computeIfAbsent(c.engine(), k -> new ArrayList<>()).add(c);
      }
    }
    List<String> swept = new ArrayList<>();
    Set<Integer> counts = new java.util.TreeSet<>();
    byEngine.forEach((e, cs) -> {
      Set<Integer> n = new java.util.TreeSet<>();
      cs.forEach(c -> n.add(c.setting().threads()));
      if (n.size() > 1) {
        swept.add(e);
        counts.addAll(n);
      }
    });
    if (swept.isEmpty()) {
      return;
    }
    out.println();
    out.println("Thread sweep: samples/s, and in brackets the scaling efficiency speed(N) / (N * speed(1)):");
    out.println();
    StringBuilder head = new StringBuilder("| engine | workload |");
    StringBuilder rule = new StringBuilder("|---|---|");
    for (int n : counts) {
      head.append(' ').append(n).append(n == 1 ? " thread |" : " threads |");
      rule.append("---:|");
    }
    out.println(head);
    out.println(rule);
    for (String e : swept) {
      for (String id : workloads) {
        StringBuilder row = new StringBuilder("| " + e + " | " + id + " |");
        Double one = median(e, "1 thr", id);
        for (int n : counts) {
          Double v = median(e, n + " thr", id);
          row.append(' ').append(v == null ? "-" : BenchMain.fmt(v)
              + (one != null && n > 1 ? String.format(Locale.ROOT, " (%.2f)", v / (n * one)) : "")).append(" |");
        }
        out.println(row);
      }
    }
  }

  /** Every child's median and repeats, so noise and warm-up can be judged from the output alone. */
  private void raw(PrintStream out) {
    out.println();
    out.println("Raw values (samples/s): per engine, setting and workload, each round's median [its repeats]:");
    out.println();
    Map<String, StringBuilder> lines = new LinkedHashMap<>();
    for (BenchMain.Cell c : cells) {
      String key = c.engine() + " | " + c.setting().label() + " | " + c.workload();
      StringBuilder b = lines.computeIfAbsent(key, k -> new StringBuilder());
      b.append(b.length() == 0 ? "" : "; ").append("r").append(c.round()).append(' ').append(BenchMain.fmt(c.median()))
          .append(" [");
      for (int i = 0; i < c.reps().size(); i++) {
        b.append(i == 0 ? "" : " ").append(String.format(Locale.ROOT, "%.0f", c.reps().get(i)));
      }
      b.append(']');
    }
    out.println("| engine | setting | workload | rounds |");
    out.println("|---|---|---|---|");
    lines.forEach((k, v) -> out.println("| " + k + " | " + v + " |"));
  }

  /** One line per repeat: engine, setting, threads, workload, round, repeat, samples/s, round median. */
  void writeCsv(Path file) throws IOException {
    List<String> rows = new ArrayList<>();
    rows.add("engine,setting,threads,workload,round,repeat,samples_per_s,round_median");
    for (BenchMain.Cell c : cells) {
      for (int i = 0; i < c.reps().size(); i++) {
        rows.add(String.format(Locale.ROOT, "%s,%s,%d,%s,%d,%d,%.1f,%.1f", c.engine(), c.setting().label(),
            c.setting().threads(), c.workload(), c.round(), i + 1, c.reps().get(i), c.median()));
      }
    }
    Files.write(file, rows);
  }
}
