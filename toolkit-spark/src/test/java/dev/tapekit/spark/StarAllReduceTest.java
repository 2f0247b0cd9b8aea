package dev.tapekit.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The barrier tasks' all-reduce on loopback, ranks as threads (no Spark): exact sums and a dead peer's error. */
class StarAllReduceTest {
  /** Spark's allGather for {@code size} threads: each publishes its message, all get every message in rank order. */
  private static Function<String, String[]> allGather(int size, int rank, AtomicReferenceArray<String> board,
      CyclicBarrier barrier) {
    return msg -> {
      board.set(rank, msg);
      try {
        barrier.await(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
      String[] out = new String[size];
      for (int i = 0; i < size; i++) {
        out[i] = board.get(i);
      }
      return out;
    };
  }

  private static List<CompletableFuture<StarAllReduce>> connect(int size, int timeoutMillis) {
    AtomicReferenceArray<String> board = new AtomicReferenceArray<>(size);
    CyclicBarrier barrier = new CyclicBarrier(size);
    List<CompletableFuture<StarAllReduce>> out = new ArrayList<>();
    for (int r = 0; r < size; r++) {
      int rank = r;
      out.add(CompletableFuture.supplyAsync(() -> StarAllReduce.connect(rank, size, "127.0.0.1", timeoutMillis,
          allGather(size, rank, board, barrier))));
    }
    return out;
  }

  private static PartitionResult result(int rank, long rows, double... grads) {
    return new PartitionResult(rank, rows, rows * 0.5, rows == 0 ? null : grads, null, null);
  }

  @Test
  void everyRankGetsRankZerosCombinationOfAllResultsInRankOrder() throws Exception {
    List<CompletableFuture<StarAllReduce>> links = connect(3, 5000);
    double[][] grads = {{0.1, 1e16}, {0.2, 1.0}, {0.3, -1e16}};
    List<CompletableFuture<double[][]>> replies = new ArrayList<>();
    for (int r = 0; r < 3; r++) {
      int rank = r;
      replies.add(links.get(r).thenApplyAsync(peers -> {
        try (peers) {
          // rank 1 sits the step out, as a partition without rows does
          return peers.allReduce(result(rank, rank == 1 ? 0 : 8, grads[rank]), all -> {
            assertEquals(List.of(0, 1, 2), all.stream().map(PartitionResult::partition).toList());
            return new double[][] {Combine.sum(all), null};
          });
        }
      }));
    }
    double[] expected = Combine.sum(List.of(result(0, 8, grads[0]), result(1, 0), result(2, 8, grads[2])));
    for (CompletableFuture<double[][]> f : replies) {
      double[][] reply = f.get(30, TimeUnit.SECONDS);
      assertArrayEquals(expected, reply[0]);
      assertNull(reply[1]);
    }
    assertArrayEquals(new double[] {0.1 + 0.3, 0.0}, expected, "1e16 cancels only when added in rank order");
  }

  @Test
  void aSilentPeerTimesOutAndAClosedOneIsNamedAtOnce() throws Exception {
    List<CompletableFuture<StarAllReduce>> links = connect(2, 300);
    StarAllReduce root = links.get(0).get(30, TimeUnit.SECONDS);
    StarAllReduce worker = links.get(1).get(30, TimeUnit.SECONDS);
    try {
      long t0 = System.nanoTime();
      IllegalStateException silent = assertThrows(IllegalStateException.class,
          () -> root.allReduce(result(0, 8, 1.0), all -> new double[][] {Combine.sum(all)}));
      assertTrue(silent.getMessage().matches("barrier all-reduce: rank 0 got nothing from rank 1 at "
          + "127\\.0\\.0\\.1:\\d+ for 300 ms \\(its task is stalled or gone\\)"), silent.getMessage());
      assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(20));
      root.close(); // rank 0's task failed: the worker waiting for its reply learns it at once
      ExecutionException closed = assertThrows(ExecutionException.class,
          () -> CompletableFuture.supplyAsync(() -> worker.allReduce(result(1, 8, 2.0), all -> null))
              .get(30, TimeUnit.SECONDS));
      String m = closed.getCause().getMessage();
      assertTrue(m.matches("barrier all-reduce: rank 0 at 127\\.0\\.0\\.1:\\d+ closed the connection to rank 1 "
          + "\\(its task failed or was killed\\)")
          || m.startsWith("barrier all-reduce: rank 1 lost rank 0 at 127.0.0.1:"), m);
    } finally {
      root.close();
      worker.close();
    }
  }
}
