package dev.tapekit.callbacks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapekit.callbacks.TfEventsReader.Event;
import dev.tapekit.core.Tensor;
import dev.tapekit.core.Variable;
import dev.tapekit.layers.Dense;
import dev.tapekit.layers.Input;
import dev.tapekit.layers.RandomSeeds;
import dev.tapekit.models.FitOptions;
import dev.tapekit.models.Sequential;
import dev.tapekit.optimizers.SGD;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TensorBoard's event files, read back by an independent TFRecord and protobuf reader. */
class TensorBoardTest {
  @TempDir
  Path tmp;

  private static Sequential model() {
    RandomSeeds.setRandomSeed(5);
    Sequential m = new Sequential(new Input(3), new Dense(2));
    m.compile(SGD.builder().learningRate(0.1).build(), dev.tapekit.losses.Losses.get("mse"), List.of());
    return m;
  }

  private static Tensor x() {
    return Tensor.randomUniform(new long[] {16, 3}, -1, 1, 1);
  }

  private static Tensor y() {
    return Tensor.randomUniform(new long[] {16, 2}, -1, 1, 2);
  }

  private static Path onlyFile(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      List<Path> files = s.collect(Collectors.toList());
      assertEquals(1, files.size(), files.toString());
      return files.get(0);
    }
  }

  private static List<Event> tagged(List<Event> events, String tag) {
    return events.stream().filter(e -> tag.equals(e.tag())).collect(Collectors.toList());
  }

  @Test
  void crc32cMatchesTheCheckValueAndTheWritersMask() {
    byte[] check = "123456789".getBytes(StandardCharsets.US_ASCII);
    assertEquals(0xE3069283, TfEventsReader.crc32c(check, 0, check.length), "the published CRC-32C check value");
    for (String s : List.of("", "a", "123456789", "brain.Event:2")) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      assertEquals(TfEventsReader.masked(TfEventsReader.crc32c(b, 0, b.length)), TfRecord.maskedCrc32c(b, 0, b.length), s);
    }
  }

  @Test
  void oneScalarEventEncodesToHandComputedBytes() {
    // Event{wall_time=1.5 (fixed64), step=3, summary{value{tag "t", tensor{DT_FLOAT, shape [], content 2.0f},
    // metadata{plugin_data{plugin_name "scalars"}}}}}, fields in number order as protobuf serializers write them
    String expected = "09" + "000000000000f83f" // wall_time 1.5
        + "1003" // step 3
        + "2a1e" + "0a1c" // summary (30 bytes), value (28 bytes)
        + "0a0174" // tag "t"
        + "420a" + "0801" + "1200" + "220400000040" // tensor: dtype 1, empty shape, content 2.0f little-endian
        + "4a0b" + "0a09" + "0a07" + "7363616c617273"; // metadata.plugin_data.plugin_name "scalars"
    assertEquals(expected, HexFormat.of().formatHex(TensorBoardEvents.scalar(1.5, 3, "t", 2.0)));
    assertEquals("09000000000000f83f" + "1a0d" + HexFormat.of().formatHex("brain.Event:2".getBytes(StandardCharsets.UTF_8)),
        HexFormat.of().formatHex(TensorBoardEvents.fileVersion(1.5)));
    // step 0 is proto3's default: left out
    assertFalse(HexFormat.of().formatHex(TensorBoardEvents.scalar(1.5, 0, "t", 2.0)).startsWith("09000000000000f83f10"));
  }

  @Test
  void framingIsLengthCrcDataCrc() {
    byte[] data = TensorBoardEvents.fileVersion(1.5);
    byte[] framed = TfRecord.frame(data);
    ByteBuffer b = ByteBuffer.wrap(framed).order(ByteOrder.LITTLE_ENDIAN);
    assertEquals(8 + 4 + data.length + 4, framed.length);
    assertEquals(data.length, b.getLong(0));
    assertEquals(TfEventsReader.masked(TfEventsReader.crc32c(framed, 0, 8)), b.getInt(8));
    assertArrayEquals(data, java.util.Arrays.copyOfRange(framed, 12, 12 + data.length));
    assertEquals(TfEventsReader.masked(TfEventsReader.crc32c(data, 0, data.length)), b.getInt(12 + data.length));
    framed[13] ^= 1;
    assertThrows(IllegalStateException.class, () -> TfEventsReader.records(framed), "a flipped bit is caught");
  }

  @Test
  void fitWritesKerasLayoutEpochBatchAndHistogramSummaries() throws Exception {
    Path logs = tmp.resolve("logs");
    Sequential m = model();
    TensorBoard tb = TensorBoard.builder().logDir(logs).updateFreq("batch").histogramFreq(1).build();
    History h = m.fit(x(), y(), FitOptions.builder().epochs(3).batchSize(8).shuffle(false).validationData(x(), y())
        .verbose(0).callbacks(tb).build());

    Path trainFile = onlyFile(logs.resolve("train"));
    assertTrue(trainFile.getFileName().toString().matches("events\\.out\\.tfevents\\.\\d{10}\\..+\\.\\d+\\.v2"),
        trainFile.getFileName().toString());
    List<Event> train = TfEventsReader.read(trainFile);
    assertEquals("brain.Event:2", train.get(0).fileVersion());
    assertTrue(train.get(0).wallTime() > 1.6e9, "seconds since the epoch");

    List<Event> loss = tagged(train, "epoch_loss");
    assertEquals(List.of(0L, 1L, 2L), loss.stream().map(Event::step).collect(Collectors.toList()));
    for (int e = 0; e < 3; e++) {
      assertEquals("scalars", loss.get(e).plugin());
      assertEquals(1, loss.get(e).dtype(), "DT_FLOAT");
      assertEquals(List.of(), loss.get(e).shape());
      assertEquals(h.get("loss").get(e).floatValue(), loss.get(e).floatValue());
    }
    assertEquals(0.1f, tagged(train, "epoch_learning_rate").get(2).floatValue());
    // 2 batches per epoch: the batch count runs on across epochs, from 1
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L),
        tagged(train, "batch_loss").stream().map(Event::step).collect(Collectors.toList()));

    List<Variable> weights = m.layers().get(m.layers().size() - 1).weights();
    assertTrue(weights.get(0).name().matches("dense(_\\d+)?/kernel"), "tag: the weight's path; " + weights.get(0).name());
    List<Event> hist = tagged(train, weights.get(0).name() + "/histogram");
    assertEquals(3, hist.size());
    Event last = hist.get(2);
    assertEquals("histograms", last.plugin());
    assertEquals(2, last.dtype(), "DT_DOUBLE");
    assertEquals(List.of(30L, 3L), last.shape());
    double[] rows = last.doubles();
    double[] kernelValues = weights.get(0).peek().toDoubleArray();
    double count = 0;
    for (int i = 0; i < 30; i++) {
      count += rows[3 * i + 2];
    }
    assertEquals(kernelValues.length, count, 0.0, "every weight counted once");
    assertEquals(java.util.Arrays.stream(kernelValues).min().getAsDouble(), rows[0]);
    assertEquals(java.util.Arrays.stream(kernelValues).max().getAsDouble(), rows[3 * 29 + 1]);
    assertEquals(3, tagged(train, weights.get(1).name() + "/histogram").size(), "the bias too");

    List<Event> val = TfEventsReader.read(onlyFile(logs.resolve("validation")));
    assertEquals("brain.Event:2", val.get(0).fileVersion());
    List<Event> valLoss = tagged(val, "epoch_loss");
    assertEquals(3, valLoss.size());
    assertEquals(h.get("val_loss").get(2).floatValue(), valLoss.get(2).floatValue());
    assertEquals(List.of(2L, 4L, 6L), tagged(val, "evaluation_loss_vs_iterations").stream().map(Event::step)
        .collect(Collectors.toList()), "after each evaluation, at the optimizer's iterations");
    assertTrue(tagged(val, "epoch_val_loss").isEmpty(), "no val_ prefix in the validation run");
  }

  @Test
  void integerUpdateFreqWritesEveryNthBatchAndEpochWritesNone() throws Exception {
    Path every2 = tmp.resolve("every2");
    model().fit(x(), y(), FitOptions.builder().epochs(3).batchSize(8).verbose(0)
        .callbacks(TensorBoard.builder().logDir(every2).updateFreq(2).build()).build());
    List<Event> train = TfEventsReader.read(onlyFile(every2.resolve("train")));
    assertEquals(List.of(2L, 4L, 6L), tagged(train, "batch_loss").stream().map(Event::step).collect(Collectors.toList()));

    Path perEpoch = tmp.resolve("epoch");
    model().fit(x(), y(), FitOptions.builder().epochs(2).batchSize(8).verbose(0)
        .callbacks(TensorBoard.builder().logDir(perEpoch).build()).build());
    List<Event> events = TfEventsReader.read(onlyFile(perEpoch.resolve("train")));
    List<String> tags = new ArrayList<>();
    events.stream().skip(1).forEach(e -> tags.add(e.tag() + "@" + e.step()));
    assertEquals(List.of("epoch_loss@0", "epoch_learning_rate@0", "epoch_loss@1", "epoch_learning_rate@1"), tags);
    assertFalse(Files.exists(perEpoch.resolve("validation")), "no validation data, no validation run");
  }

  @Test
  void eachEpochIsOnDiskBeforeTheNextBegins() throws Exception {
    // TensorBoard reads while training runs: a callback after it sees the epoch's events already written
    Path logs = tmp.resolve("live");
    List<List<String>> seenAtEpochEnd = new ArrayList<>();
    LambdaCallback reader = LambdaCallback.builder().onEpochEnd((epoch, l) -> {
      try {
        List<String> tags = new ArrayList<>();
        TfEventsReader.read(onlyFile(logs.resolve("train"))).stream().skip(1).forEach(e -> tags.add(e.tag() + "@" + e.step()));
        seenAtEpochEnd.add(tags);
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    }).build();
    model().fit(x(), y(), FitOptions.builder().epochs(2).batchSize(8).verbose(0)
        .callbacks(TensorBoard.builder().logDir(logs).build(), reader).build());
    assertEquals(List.of("epoch_loss@0", "epoch_learning_rate@0"), seenAtEpochEnd.get(0));
    assertEquals(4, seenAtEpochEnd.get(1).size());
  }

  @Test
  void stepsPerSecondOnRequest() throws Exception {
    Path logs = tmp.resolve("sps");
    model().fit(x(), y(), FitOptions.builder().epochs(1).batchSize(8).verbose(0)
        .callbacks(TensorBoard.builder().logDir(logs).updateFreq("batch").writeStepsPerSecond(true).build()).build());
    List<Event> train = TfEventsReader.read(onlyFile(logs.resolve("train")));
    assertTrue(tagged(train, "epoch_steps_per_second").get(0).floatValue() > 0);
    assertEquals(2, tagged(train, "batch_steps_per_second").size());
  }

  @Test
  void aStandaloneEvaluateWritesAndClosesTheValidationFile() throws Exception {
    Path logs = tmp.resolve("eval");
    Sequential m = model();
    m.evaluate(x(), y(), null, 8, 0, List.of(TensorBoard.builder().logDir(logs).build()));
    List<Event> val = TfEventsReader.read(onlyFile(logs.resolve("validation")));
    assertEquals(1, tagged(val, "evaluation_loss_vs_iterations").size());
  }

  @Test
  void secondWriterInTheSameDirectoryGetsItsOwnFile() throws Exception {
    try (EventFileWriter a = new EventFileWriter(tmp); EventFileWriter b = new EventFileWriter(tmp)) {
      assertNotEquals(a.file(), b.file());
      assertTrue(b.file().getFileName().toString().endsWith(".v2"));
    }
    try (Stream<Path> s = Files.list(tmp)) {
      for (Path f : s.collect(Collectors.toList())) {
        assertEquals("brain.Event:2", TfEventsReader.read(f).get(0).fileVersion(), f.toString());
      }
    }
  }

  @Test
  void bucketsFollowTensorBoardsHistogramSummary() {
    // min 0, max 3, width 1.5: 0 and 1 in the first bucket, 2 and 3 (max goes to the last) in the second
    assertArrayEquals(new double[] {0, 1.5, 2, 1.5, 3, 2}, TensorBoardEvents.buckets(new double[] {0, 1, 2, 3}, 2));
    // one distinct value: both edges at it, every count in the last bucket
    assertArrayEquals(new double[] {5, 5, 0, 5, 5, 3}, TensorBoardEvents.buckets(new double[] {5, 5, 5}, 2));
    assertArrayEquals(new double[6], TensorBoardEvents.buckets(new double[0], 2));
  }

  @Test
  void badArgumentsNameTheCallbackArgumentAndValue() {
    assertEquals("TensorBoard: histogram_freq must be >= 0, got -1",
        assertThrows(IllegalArgumentException.class, () -> TensorBoard.builder().histogramFreq(-1)).getMessage());
    assertEquals("TensorBoard: update_freq must be \"epoch\", \"batch\" or a positive integer, got 'epochs'",
        assertThrows(IllegalArgumentException.class, () -> TensorBoard.builder().updateFreq("epochs")).getMessage());
    assertEquals("TensorBoard: update_freq must be \"epoch\", \"batch\" or a positive integer, got 0",
        assertThrows(IllegalArgumentException.class, () -> TensorBoard.builder().updateFreq(0)).getMessage());
  }
}
