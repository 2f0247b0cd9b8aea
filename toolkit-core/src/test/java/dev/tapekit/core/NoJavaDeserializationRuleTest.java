package dev.tapekit.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * No file is read with Java deserialization (docs/distributed.md): a serialized stream names classes and
 * makes the reader run their code. Scans every module's main sources for {@code ObjectInputStream} and
 * {@code readObject(}. Spark serializing its own tasks is Spark's business and not in our sources.
 */
class NoJavaDeserializationRuleTest {
  private static final Pattern DESERIALIZATION = Pattern.compile("ObjectInputStream|readObject\\s*\\(");

  @Test
  void noMainSourceDeserializesJavaObjects() throws IOException {
    assertEquals(List.of(), MainSources.matching(DESERIALIZATION, Set.of()), "Java deserialization in main sources");
  }
}
