package dev.tapekit.cli.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tapekit.callbacks.BackupAndRestore;
import dev.tapekit.callbacks.CSVLogger;
import dev.tapekit.callbacks.Callback;
import dev.tapekit.callbacks.EarlyStopping;
import dev.tapekit.callbacks.LearningRateScheduler;
import dev.tapekit.callbacks.ModelCheckpoint;
import dev.tapekit.callbacks.ReduceLROnPlateau;
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

/** The {@code fit.callbacks} entries, with Keras's argument names checked at their paths. */
final class CallbackFactory {
  static final List<String> NAMES = List.of("EarlyStopping", "ModelCheckpoint", "ReduceLROnPlateau",
      "LearningRateScheduler", "TerminateOnNaN", "CSVLogger", "BackupAndRestore");
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private CallbackFactory() {}

  /**
   * The callbacks; relative file paths in them (ModelCheckpoint's {@code filepath}, CSVLogger's
   * {@code filename}, BackupAndRestore's {@code backup_dir}) are resolved against {@code outputDir}, so
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

  private static String mode(ConfigNode c) {
    String mode = c.get("mode").string("auto");
    if (!List.of("auto", "min", "max").contains(mode)) {
      throw c.get("mode").fail("must be one of auto, min, max, got '" + mode + "'");
    }
    return mode;
  }
}
