package dev.tapekit.core.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** How many threads tapekit computes with when the user does not say (docs/core.md, "Threads"). */
class BackendThreadsTest {
  @Test
  void everyCoreComputesAndTwoCoresKeepBlasOnOne() {
    assertEquals(1, Backend.defaultThreads(1));
    assertEquals(2, Backend.defaultThreads(2));
    assertEquals(3, Backend.defaultThreads(3));
    assertEquals(16, Backend.defaultThreads(16));
    assertEquals(1, Backend.blasThreads(1));
    assertEquals(1, Backend.blasThreads(2));
    assertEquals(3, Backend.blasThreads(3));
    assertEquals(16, Backend.blasThreads(16));
  }

  @Test
  void thePropertyWinsOverTheDefault() {
    String before = System.getProperty(Backend.THREADS_PROPERTY);
    try {
      System.setProperty(Backend.THREADS_PROPERTY, "3");
      assertEquals(3, Backend.threads());
      System.setProperty(Backend.THREADS_PROPERTY, "zero");
      assertEquals(Backend.defaultThreads(Runtime.getRuntime().availableProcessors()), Backend.threads());
    } finally {
      if (before == null) {
        System.clearProperty(Backend.THREADS_PROPERTY);
      } else {
        System.setProperty(Backend.THREADS_PROPERTY, before);
      }
    }
  }
}
