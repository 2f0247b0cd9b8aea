package dev.tapekit.cli.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Turns a parsed config into a {@link RunConfig}, checking structure and plain values. Class names and
 * their arguments (layers, optimizers, losses, ...) are checked when the run is built, against the
 * registries of the modules that own them.
 */
public final class RunConfigParser {
  /** Datasets known by name. */
  public static final List<String> DATASETS = dev.tapekit.data.Datasets.NAMES;

  private RunConfigParser() {}

  /** Reads and parses a config file; the default output directory is {@code runs/<file name>}. */
  public static RunConfig load(Path file) {
    JsonNode tree = ConfigFiles.read(file);
    String stem = file.getFileName().toString().replaceFirst("\\.[^.]*$", "");
    return parse(ConfigNode.root(tree), Path.of("runs", stem));
  }

  /** Parses a config tree. */
  public static RunConfig parse(ConfigNode root, Path defaultOutput) {
    root.onlyKeys("model", "compile", "data", "fit", "output");
    ModelSpec model = model(root.get("model"));
    CompileSpec compile = compile(root.get("compile"));
    DataSpec data = data(root.get("data"));
    FitSpec fit = fit(root.get("fit"));
    ConfigNode out = root.get("output");
    Path dir = defaultOutput;
    if (!out.isMissing()) {
      out.onlyKeys("dir");
      dir = out.get("dir").file(defaultOutput);
    }
    return new RunConfig(model, compile, data, fit, dir);
  }

  static ModelSpec model(ConfigNode n) {
    if (n.isText()) {
      return kerasJson(n, Path.of(n.string()));
    }
    n.onlyKeys("name", "layers", "keras_json", "file");
    if (n.has("file")) {
      for (String other : new String[] {"layers", "keras_json", "name"}) {
        if (n.has(other)) {
          throw n.get(other).fail("give either model.file (a saved model to train further) or model." + other
              + ", not both");
        }
      }
      // checked when the run loads it: a run-config.json next to a trained model keeps naming it
      return new ModelSpec(null, List.of(), null, n.get("file").file(null));
    }
    if (n.has("keras_json")) {
      if (n.has("layers")) {
        throw n.get("layers").fail("give either model.layers or model.keras_json, not both");
      }
      return kerasJson(n.get("keras_json"), n.get("keras_json").file(null));
    }
    List<NamedSpec> layers = new ArrayList<>();
    ConfigNode list = n.get("layers");
    if (list.isMissing()) {
      throw list.fail("is required (a list of {class_name, config} entries), or give model.keras_json or model.file");
    }
    for (ConfigNode e : list.elements()) {
      layers.add(NamedSpec.parse(e));
    }
    if (layers.isEmpty()) {
      throw list.fail("must list at least one layer");
    }
    return new ModelSpec(n.get("name").string("sequential"), layers, null);
  }

  /** Reads a Keras {@code model.to_json()} file (a Sequential model). */
  static ModelSpec kerasJson(ConfigNode at, Path file) {
    if (!Files.isRegularFile(file)) {
      throw at.fail("no such file: " + file);
    }
    JsonNode tree = ConfigFiles.read(file);
    // Paths inside the Keras file are reported relative to it: "model.json: config.layers[2]".
    ConfigNode cls = new ConfigNode(tree.get("class_name"), file.getFileName() + ": class_name");
    if (!"Sequential".equals(cls.string())) {
      throw cls.fail("only Sequential models can be read, got " + cls.show());
    }
    ConfigNode config = new ConfigNode(tree.get("config"), file.getFileName() + ": config");
    config.requireObject();
    List<NamedSpec> layers = new ArrayList<>();
    for (ConfigNode e : config.get("layers").elements()) {
      layers.add(NamedSpec.parse(e));
    }
    if (layers.isEmpty()) {
      throw config.get("layers").fail("must list at least one layer");
    }
    return new ModelSpec(config.get("name").string("sequential"), layers, file);
  }

  static CompileSpec compile(ConfigNode n) {
    n.onlyKeys("optimizer", "loss", "metrics");
    NamedSpec optimizer = n.has("optimizer") ? NamedSpec.parse(n.get("optimizer"))
        : new NamedSpec("rmsprop", null, n.path() + ".optimizer", true);
    NamedSpec loss = NamedSpec.parse(required(n.get("loss")));
    List<NamedSpec> metrics = new ArrayList<>();
    for (ConfigNode m : n.get("metrics").elements()) {
      metrics.add(NamedSpec.parse(m));
    }
    return new CompileSpec(optimizer, loss, metrics);
  }

  static DataSpec data(ConfigNode n) {
    n.onlyKeys("dataset", "dir", "train", "test", "scale", "validation_split", "max_train_samples",
        "max_test_samples");
    String dataset = null;
    if (n.has("dataset")) {
      ConfigNode d = n.get("dataset");
      dataset = datasetName(d.string(), d.path());
      for (String k : List.of("train", "test")) {
        if (n.has(k)) {
          throw n.get(k).fail("give either data.dataset or data.train/data.test files, not both");
        }
      }
    } else if (!n.has("train")) {
      throw n.get("dataset").fail("is required: name a dataset (" + String.join(", ", DATASETS)
          + ") or give data.train files");
    } else if (n.has("dir")) {
      throw n.get("dir").fail("only applies to a named data.dataset");
    }
    SplitSpec train = n.has("train") ? split(n.get("train")) : null;
    SplitSpec test = n.has("test") ? split(n.get("test")) : null;
    double scale = n.get("scale").number(Double.MIN_VALUE, Double.MAX_VALUE, 1.0);
    double vs = n.get("validation_split").number(0.0, 0.99, 0.0);
    int maxTrain = n.get("max_train_samples").intValue(1, 0);
    int maxTest = n.get("max_test_samples").intValue(1, 0);
    return new DataSpec(dataset, n.get("dir").file(null), train, test, scale, vs, maxTrain, maxTest);
  }

  /** A dataset name in canonical form ({@code fashion-mnist} is {@code fashion_mnist}); unknown names fail at {@code path}. */
  public static String datasetName(String name, String path) {
    String key = name.toLowerCase(Locale.ROOT).replace('-', '_');
    if (!DATASETS.contains(key)) {
      throw new ConfigException(path, "unknown dataset '" + name + "'" + Names.suggestion(key, DATASETS)
          + "; valid datasets: " + String.join(", ", DATASETS));
    }
    return key;
  }

  static SplitSpec split(ConfigNode n) {
    n.onlyKeys("x", "y", "label_column");
    Path x = Path.of(n.get("x").string());
    boolean csv = x.toString().toLowerCase(Locale.ROOT).endsWith(".csv");
    if (csv) {
      if (n.has("y")) {
        throw n.get("y").fail("a CSV file holds its labels: give label_column instead of y");
      }
      return new SplitSpec(x, null, n.get("label_column").string(), n.path());
    }
    if (n.has("label_column")) {
      throw n.get("label_column").fail("only applies when x is a .csv file");
    }
    return new SplitSpec(x, Path.of(n.get("y").string()), null, n.path());
  }

  static FitSpec fit(ConfigNode n) {
    if (n.isMissing()) {
      return new FitSpec(1, 32, true, null, 1, List.of());
    }
    n.onlyKeys("epochs", "batch_size", "shuffle", "seed", "verbose", "callbacks");
    int epochs = n.get("epochs").intValue(1, 1);
    int batch = n.get("batch_size").intValue(1, 32);
    boolean shuffle = n.get("shuffle").bool(true);
    Long seed = n.get("seed").isMissing() ? null : n.get("seed").integer(0);
    int verbose = n.get("verbose").intValue(0, 1);
    if (verbose > 2) {
      throw n.get("verbose").fail("must be 0 (silent), 1 (progress bar) or 2 (one line per epoch), got " + verbose);
    }
    List<NamedSpec> callbacks = new ArrayList<>();
    for (ConfigNode c : n.get("callbacks").elements()) {
      callbacks.add(NamedSpec.parse(c));
    }
    return new FitSpec(epochs, batch, shuffle, seed, verbose, callbacks);
  }

  private static ConfigNode required(ConfigNode n) {
    if (n.isMissing()) {
      throw n.fail("is required");
    }
    return n;
  }
}
