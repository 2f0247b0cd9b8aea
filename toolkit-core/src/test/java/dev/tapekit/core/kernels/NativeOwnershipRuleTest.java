package dev.tapekit.core.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tapekit.core.MainSources;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The ownership rule for native memory (docs/core.md): only {@link NativeView} turns an array into a
 * native address. Scans every module's main sources, so a new kernel cannot take a raw pointer.
 */
class NativeOwnershipRuleTest {
  /** An address taken from ND4J, or a JavaCPP pointer made over another pointer (not an allocation). */
  private static final Pattern RAW = Pattern.compile(
      "addressPointer\\s*\\(|new\\s+(Float|Int|Double|Long|Byte|Short)Pointer\\s*\\(\\s*[a-zA-Z_][\\w.]*\\s*\\.\\s*data\\s*\\(");

  @Test
  void onlyNativeViewTakesAddressesFromArrays() throws IOException {
    assertEquals(List.of(), MainSources.matching(RAW, Set.of("NativeView.java")),
        "raw native addresses outside NativeView");
  }
}
