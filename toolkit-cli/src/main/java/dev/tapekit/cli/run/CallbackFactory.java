package dev.tapekit.cli.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tapekit.callbacks.BackupAndRestore;
import dev.tapekit.callbacks.CSVLogger;
import dev.tapekit.callbacks.Callback;
import dev.tapekit.callbacks.EarlyStopping;
import dev.tapekit.callbacks.LearningRateScheduler;
import dev.tapekit.callbacks.ModelCheckpoint;
import dev.tapekit.callbacks.ReduceLROnPlateau;
import dev.tapekit.callbacks.TensorBoard;
import dev.tapekit.callbacks.TerminateOnNaN;
import dev.tapekit.cli.config.ConfigException;
import dev.tapekit.cli.config.ConfigNode;
import dev.tapekit.cli.config.ConfigNodes;
import dev.tapekit.cli.config.NamedSpec;
import dev.tapekit.core.LearningRateSchedule;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@code fit.callbacks} entries, with Keras's argument names checked at their paths. */
final class CallbackFactory {
  static final List<String> NAMES = List.of("EarlyStopping", "ModelCheckpoint", "ReduceLROnPlateau",
      "LearningRateScheduler", "TerminateOnNaN", "CSVLogger", "BackupAndRestore", "TensorBoard");
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Logger LOG = LoggerFactory.getLogger(CallbackFactory.class);

  private CallbackFactory() {}

  /**
   * The callbacks; relative file paths in them (ModelCheckpoint's {@code filepath}, CSVLogger's
   * {@code filename}, BackupAndRestore's {@code backup_dir}, TensorBoard's {@code log_dir}) are resolved against {@code outputDir}, so
   * {@code --output} moves everything a run writes.
   */
  static List<Callback> build(List<NamedSpec> specs, Path outputDir) {
    List<Callback> out = new ArrayList<>();
    for (NamedSpec s : specs) {
      out.add(build(s, outputDir));
    }
    return out;
  }

  private static Path under(Path outputDir, String file) {
    return outputDir.resolve(file); // an absolute path stays as it is
  }

  static Callback build(NamedSpec s, Path outputDir) {
    ConfigNode c = ConfigNodes.of(MAPPER.valueToTree(s.config()), s.path() + ".config");
    try {
      switch (s.className()) {
        case "EarlyStopping": {
          c.onlyKeys("monitor", "min_delta", "patience", "verbose", "mode", "baseline", "restore_best_weights",
              "start_from_epoch");
          EarlyStopping.Builder b = EarlyStopping.builder()
              .monitor(c.get("monitor").string("val_loss"))
              .minDelta(c.get("min_delta").number(0, Double.MAX_VALUE, 0))
              .patience(c.get("patience").intValue(0, 0))
              .mode(mode(c))
              .restoreBestWeights(c.get("restore_best_weights").bool(false))
              .startFromEpoch(c.get("start_from_epoch").intValue(0, 0));
          if (c.has("baseline")) {
            b.baseline(c.get("baseline").number(-Double.MAX_VALUE, Double.MAX_VALUE));
          }
          return b.build();
        }
        case "ModelCheckpoint": {
          c.onlyKeys("filepath", "monitor", "verbose", "save_best_only", "save_weights_only", "mode");
          return ModelCheckpoint.builder(under(outputDir, c.get("filepath").string()).toString())
              .monitor(c.get("monitor").string("val_loss"))
              .saveBestOnly(c.get("save_best_only").bool(false))
              .saveWeightsOnly(c.get("save_weights_only").bool(false))
              .mode(mode(c))
              .build();
        }
        case "ReduceLROnPlateau": {
          c.onlyKeys("monitor", "factor", "patience", "verbose", "mode", "min_delta", "cooldown", "min_lr");
          return ReduceLROnPlateau.builder()
              .monitor(c.get("monitor").string("val_loss"))
              .factor(c.get("factor").number(0, 0.999999, 0.1))
              .patience(c.get("patience").intValue(0, 10))
              .mode(mode(c))
              .minDelta(c.get("min_delta").number(0, Double.MAX_VALUE, 1e-4))
              .cooldown(c.get("cooldown").intValue(0, 0))
              .minLr(c.get("min_lr").number(0, Double.MAX_VALUE, 0))
              .build();
        }
        case "LearningRateScheduler": {
          c.onlyKeys("schedule", "verbose");
          ConfigNode sn = c.get("schedule");
          sn.onlyKeys("class_name", "config");
          @SuppressWarnings("unchecked")
          Map<String, Object> cfg = sn.get("config").isMissing() ? Map.of() : sn.get("config").toMap();
          LearningRateSchedule schedule = Compiler.schedule(new NamedSpec(sn.get("class_name").string(), cfg,
              sn.path()));
          // NOTE: Keras's LearningRateScheduler takes a function of the epoch; here a schedule stepped per epoch.
          return new LearningRateScheduler((epoch, lr) -> schedule.rate(epoch), c.get("verbose").intValue(0, 0));
        }
        case "TerminateOnNaN":
          c.onlyKeys();
          return new TerminateOnNaN();
        case "CSVLogger":
          c.onlyKeys("filename", "separator", "append");
          return new CSVLogger(under(outputDir, c.get("filename").string()), c.get("separator").string(","),
              c.get("append").bool(false));
        case "BackupAndRestore":
          c.onlyKeys("backup_dir", "delete_checkpoint");
          return new BackupAndRestore(under(outputDir, c.get("backup_dir").string()), c.get("delete_checkpoint").bool(true));
        case "TensorBoard":
          return tensorBoard(c, outputDir);
        default:
          throw Problems.unknownName(s, "callback", NAMES);
      }
    } catch (IllegalArgumentException | IllegalStateException e) {
      if (e instanceof ConfigException) {
        throw e;
      }
      throw Problems.at(s, e);
    }
  }

  /** Keras's arguments; those tapekit does not implement are accepted only at their "off" values. */
  private static TensorBoard tensorBoard(ConfigNode c, Path outputDir) {
    c.onlyKeys("log_dir", "histogram_freq", "write_graph", "write_images", "write_steps_per_second", "update_freq",
        "profile_batch", "embeddings_freq", "embeddings_metadata");
    TensorBoard.Builder b = TensorBoard.builder()
        .logDir(under(outputDir, c.get("log_dir").string("logs")))
        .histogramFreq(c.get("histogram_freq").intValue(0, 0))
        .writeStepsPerSecond(c.get("write_steps_per_second").bool(false));
    ConfigNode freq = c.get("update_freq");
    if (freq.isText()) {
      b.updateFreq(freq.string());
    } else if (!freq.isMissing()) {
      b.updateFreq(freq.intValue(1));
    }
    // Keras's default write_graph is true, so a config copied from Keras may say so: no graph is written
    // (Keras 3 documents the argument as not supported too), said once rather than failing the run.
    if (c.has("write_graph") && c.get("write_graph").bool(true)) {
      LOG.warn("{}: TensorBoard does not write the graph (write_graph is not supported)", c.get("write_graph").path());
    }
    if (c.get("write_images").bool(false)) {
      throw c.get("write_images").fail("TensorBoard's weight images are not supported; remove it or set false");
    }
    if (c.get("profile_batch").intValue(0, 0) != 0) {
      throw c.get("profile_batch").fail("TensorBoard's profiler is not supported; remove it or set 0");
    }
    if (c.get("embeddings_freq").intValue(0, 0) != 0 || c.has("embeddings_metadata")) {
      throw c.get(c.has("embeddings_metadata") ? "embeddings_metadata" : "embeddings_freq")
          .fail("TensorBoard's embedding projector is not supported; remove it");
    }
    return b.build();
  }

  private static String mode(ConfigNode c) {
    String mode = c.get("mode").string("auto");
    if (!List.of("auto", "min", "max").contains(mode)) {
      throw c.get("mode").fail("must be one of auto, min, max, got '" + mode + "'");
    }
    return mode;
  }
}
