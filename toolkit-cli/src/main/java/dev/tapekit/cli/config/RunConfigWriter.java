package dev.tapekit.cli.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link RunConfig} back as a config tree (the form {@link RunConfigParser#parse} reads), for the
 * {@code run-config.json} a training run leaves next to its model.
 */
public final class RunConfigWriter {
  private RunConfigWriter() {}

  /** The config as nested maps and lists, ready for JSON. */
  public static Map<String, Object> toMap(RunConfig c) {
    Map<String, Object> root = new LinkedHashMap<>();
    Map<String, Object> model = new LinkedHashMap<>();
    if (c.model().file() != null) {
      model.put("file", c.model().file().toAbsolutePath().toString());
    } else {
      model.put("name", c.model().name());
      model.put("layers", entries(c.model().layers()));
    }
    root.put("model", model);
    Map<String, Object> compile = new LinkedHashMap<>();
    compile.put("optimizer", entry(c.compile().optimizer()));
    compile.put("loss", entry(c.compile().loss()));
    compile.put("metrics", entries(c.compile().metrics()));
    root.put("compile", compile);
    DataSpec d = c.data();
    Map<String, Object> data = new LinkedHashMap<>();
    putIf(data, "dataset", d.dataset());
    putIf(data, "dir", str(d.dir()));
    putIf(data, "train", split(d.train()));
    putIf(data, "test", split(d.test()));
    data.put("scale", d.scale());
    data.put("validation_split", d.validationSplit());
    if (d.maxTrain() > 0) {
      data.put("max_train_samples", d.maxTrain());
    }
    if (d.maxTest() > 0) {
      data.put("max_test_samples", d.maxTest());
    }
    root.put("data", data);
    FitSpec f = c.fit();
    Map<String, Object> fit = new LinkedHashMap<>();
    fit.put("epochs", f.epochs());
    fit.put("batch_size", f.batchSize());
    fit.put("shuffle", f.shuffle());
    putIf(fit, "seed", f.seed());
    fit.put("verbose", f.verbose());
    fit.put("callbacks", entries(f.callbacks()));
    root.put("fit", fit);
    root.put("output", Map.of("dir", str(c.outputDir())));
    return root;
  }

  private static Map<String, Object> entry(NamedSpec s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("class_name", s.className());
    m.put("config", s.config());
    return m;
  }

  private static List<Object> entries(List<NamedSpec> specs) {
    List<Object> out = new ArrayList<>();
    for (NamedSpec s : specs) {
      out.add(entry(s));
    }
    return out;
  }

  private static Map<String, Object> split(SplitSpec s) {
    if (s == null) {
      return null;
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("x", str(s.x()));
    putIf(m, "y", str(s.y()));
    putIf(m, "label_column", s.labelColumn());
    return m;
  }

  private static String str(Path p) {
    return p == null ? null : p.toString();
  }

  private static void putIf(Map<String, Object> m, String k, Object v) {
    if (v != null) {
      m.put(k, v);
    }
  }
}
