package dev.tapekit.cli.run;

import com.fasterxml.jackson.databind.SerializationFeature;
import dev.tapekit.callbacks.BackupAndRestore;
import dev.tapekit.callbacks.Callback;
import dev.tapekit.callbacks.History;
import dev.tapekit.callbacks.Progbar;
import dev.tapekit.callbacks.ProgbarLogger;
import dev.tapekit.cli.config.ConfigException;
import dev.tapekit.cli.config.ConfigFiles;
import dev.tapekit.cli.config.RunConfig;
import dev.tapekit.cli.config.RunConfigWriter;
import dev.tapekit.cli.report.AtomicFiles;
import dev.tapekit.cli.report.HistoryFiles;
import dev.tapekit.cli.report.HistoryPlot;
import dev.tapekit.core.Shapes;
import dev.tapekit.layers.RandomSeeds;
import dev.tapekit.models.FitOptions;
import dev.tapekit.models.Model;
import dev.tapekit.models.Sequential;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Runs {@code tapekit train}: builds the model, trains, evaluates and fills the output directory. */
public final class Training {
  /** The model file's name inside the output directory. */
  public static final String MODEL_FILE = "model.tapekit";
  /** The config as run, next to the model. */
  public static final String RUN_CONFIG = "run-config.json";

  private Training() {}

  /** Trains as the config says; the progress bar and the summary lines go to {@code out}. */
  public static void run(RunConfig cfg, PrintWriter out) throws Exception {
    long start = System.nanoTime();
    Path dir = cfg.outputDir();
    OutputDir.prepare(dir, "output.dir");
    if (cfg.fit().seed() != null) {
      RandomSeeds.setRandomSeed(cfg.fit().seed());
    }
    // everything that can be checked without data first: loading a dataset takes a while
    Compiler.Compiled compiled = Compiler.prepare(cfg.compile());
    List<Callback> callbacks = CallbackFactory.build(cfg.fit().callbacks(), dir);
    boolean fromFile = cfg.model().file() != null;
    Model model = fromFile ? ModelFactory.load(cfg.model()) : ModelFactory.build(cfg.model(), null);
    DataLoader.Loaded data = DataLoader.load(cfg.data());
    long[] example = DataLoader.exampleShape(data.train().x());
    if (model instanceof Sequential s && !fromFile) {
      ModelFactory.buildFor(s, cfg.model(), example);
    }
    checkInputShape(cfg, model, example);
    compiled.applyTo(model);
    out.printf("Training %s on %d examples%s for %d epoch%s (batch size %d)%n", model.name(), data.train().size(),
        cfg.data().validationSplit() > 0 ? String.format(Locale.ROOT, " (%.0f%% held out for validation)",
            100 * cfg.data().validationSplit()) : "", cfg.fit().epochs(), cfg.fit().epochs() == 1 ? "" : "s",
        cfg.fit().batchSize());
    out.flush();
    FitOptions.Builder fo = FitOptions.builder().epochs(cfg.fit().epochs()).batchSize(cfg.fit().batchSize())
        .verbose(cfg.fit().verbose()).shuffle(cfg.fit().shuffle()).validationSplit(cfg.data().validationSplit())
        .callbacks(withProgress(callbacks, cfg.fit().verbose(), out));
    if (cfg.fit().seed() != null) {
      fo.seed(cfg.fit().seed());
    }
    History history;
    try {
      history = model.fit(data.train().x(), data.train().y(), fo.build());
    } catch (IllegalArgumentException e) {
      // shapes of labels vs outputs surface in the first step: a config problem, not a crash
      throw new ConfigException("model", "training failed on the data: " + e.getMessage(), e);
    }
    Map<String, Double> test = null;
    if (data.test() != null) {
      test = model.evaluate(data.test().x(), data.test().y(), null, Math.max(256, cfg.fit().batchSize()), 0, List.of());
      out.println(testLine(test));
    }
    model.save(dir.resolve(MODEL_FILE));
    AtomicFiles.writeString(dir.resolve(RUN_CONFIG), ConfigFiles.json().writer(SerializationFeature.INDENT_OUTPUT)
        .writeValueAsString(RunConfigWriter.toMap(cfg)) + "\n");
    // after a resume, BackupAndRestore holds every epoch (fit's History only those it ran)
    History all = callbacks.stream().filter(c -> c instanceof BackupAndRestore).map(c -> ((BackupAndRestore) c).history())
        .findFirst().orElse(history);
    Map<String, List<Double>> h = new LinkedHashMap<>(all.history());
    HistoryFiles.writeCsv(h, all.epoch(), dir.resolve("history.csv"));
    HistoryFiles.writeJson(h, all.epoch(), dir.resolve("history.json"));
    HistoryPlot.write(h, model.name() + " (" + h.values().stream().mapToInt(List::size).max().orElse(0)
        + " epochs)", dir.resolve("history.png"));
    boolean report = false;
    if (data.test() != null) {
      report = Reports.writeIfClassifier(model, data.test(), cfg.compile().loss(), classNames(cfg), dir, 256);
    }
    if (!report) { // a reused output directory must not show an earlier run's report beside this model
      Files.deleteIfExists(dir.resolve("report.md"));
      Files.deleteIfExists(dir.resolve("report.json"));
    }
    out.printf(Locale.ROOT, "Wrote %s: %s, %s, history.csv, history.json, history.png%s (%.1f s)%n", dir, MODEL_FILE,
        RUN_CONFIG, report ? ", report.md, report.json" : "", (System.nanoTime() - start) / 1e9);
    out.flush();
  }

  /** The callbacks with a progress bar printing to the command's output (fit would print to System.out). */
  static List<Callback> withProgress(List<Callback> callbacks, int verbose, PrintWriter out) {
    if (verbose == 0) {
      return callbacks;
    }
    List<Callback> all = new ArrayList<>();
    // live redrawing (in colour where allowed) only on a terminal, as fit's own default
    all.add(new ProgbarLogger(out, verbose == 1 ? Progbar.Display.detect() : Progbar.Display.STATIC));
    all.addAll(callbacks);
    return all;
  }

  /** {@code Test loss: 0.3412 - Test accuracy: 0.8810}. */
  static String testLine(Map<String, Double> metrics) {
    StringBuilder sb = new StringBuilder();
    // loss first, as Keras prints it
    Map<String, Double> ordered = new LinkedHashMap<>();
    if (metrics.containsKey("loss")) {
      ordered.put("loss", metrics.get("loss"));
    }
    ordered.putAll(metrics);
    for (Map.Entry<String, Double> e : ordered.entrySet()) {
      sb.append(sb.length() == 0 ? "" : " - ").append("Test ").append(e.getKey()).append(": ")
          .append(String.format(Locale.ROOT, "%.4f", e.getValue()));
    }
    return sb.toString();
  }

  /** Fashion-MNIST's class names (as in TensorFlow's tutorial) and CIFAR-10's; null elsewhere. */
  static List<String> classNames(RunConfig cfg) {
    if ("cifar10".equals(cfg.data().dataset())) {
      return List.of("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck");
    }
    return "fashion_mnist".equals(cfg.data().dataset()) ? List.of("T-shirt/top", "Trouser", "Pullover", "Dress",
        "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot") : null;
  }

  private static void checkInputShape(RunConfig cfg, Model model, long[] example) {
    if (model.inputs().isEmpty()) {
      return;
    }
    long[] declared = model.inputs().get(0).shape();
    long[] per = Arrays.copyOfRange(declared, 1, declared.length);
    boolean ok = per.length == example.length;
    for (int i = 0; ok && i < per.length; i++) {
      ok = per[i] < 0 || per[i] == example[i];
    }
    if (!ok) {
      throw new ConfigException(cfg.model().file() != null ? "model.file"
          : cfg.model().layers().get(0).configPath("input_shape"), "the model expects examples "
          + "of shape " + Shapes.str(per) + " but the training data has examples of shape " + Shapes.str(example));
    }
  }
}
