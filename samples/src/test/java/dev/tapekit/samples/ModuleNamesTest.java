package dev.tapekit.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * Each published jar carries its JPMS name (Automatic-Module-Name), so module-path users get stable
 * names. Checked on the jars the reactor build put on this module's class path.
 */
class ModuleNamesTest {
  private static void assertModuleName(Class<?> inModule, String expected) throws Exception {
    Path where = location(inModule);
    assumeTrue(Files.isRegularFile(where), "built classes, not a jar (an IDE run): " + where);
    try (JarFile jar = new JarFile(where.toFile())) {
      assertEquals(expected, jar.getManifest().getMainAttributes().getValue("Automatic-Module-Name"), where.toString());
    }
  }

  private static Path location(Class<?> c) throws URISyntaxException {
    return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
  }

  @Test
  void everyLibraryJarNamesItsModule() throws Exception {
    assertModuleName(dev.tapekit.core.Tensor.class, "dev.tapekit.core");
    assertModuleName(dev.tapekit.optimizers.Adam.class, "dev.tapekit.optimizers");
    assertModuleName(dev.tapekit.layers.Dense.class, "dev.tapekit.layers");
    assertModuleName(dev.tapekit.keras.KerasH5Format.class, "dev.tapekit.keras");
    assertModuleName(dev.tapekit.cli.Tapekit.class, "dev.tapekit.cli");
  }
}
