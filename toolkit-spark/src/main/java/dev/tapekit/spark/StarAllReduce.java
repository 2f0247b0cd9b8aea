package dev.tapekit.spark;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The all-reduce of the barrier tasks of one stage: a star over TCP. Rank 0 listens on an ephemeral port of its
 * host, every other rank connects to it (the address travels through Spark's {@code allGather}). Each step every
 * rank sends its result to rank 0, rank 0 combines the results in rank order and sends the same combination
 * back to every rank, so all ranks get bit-identical values (the order of a floating-point sum decides its
 * last bits). For the few workers of a data-parallel Spark job the star's two hops beat a ring's 2(P-1); rank 0
 * moves 2(P-1) copies of the gradient per step.
 *
 * <p>Every read has a timeout, and a peer whose task died closes its socket: either way the waiting rank fails
 * with one line naming the peer's rank and address, which fails the barrier stage.
 */
final class StarAllReduce implements AutoCloseable {
  private final int rank;
  private final int size;
  private final int timeoutMillis;
  private final ServerSocket server;
  /** Rank 0: the links to ranks 1..size-1 at their rank; other ranks: the link to rank 0 at 0. */
  private final Link[] links;

  /** One TCP connection to a peer, with the peer's rank and address for error messages. */
  private record Link(int rank, String address, Socket socket, DataInputStream in, DataOutputStream out) {
    static Link of(int rank, Socket s) throws IOException {
      s.setTcpNoDelay(true); // a step's messages are latency-bound: never wait for Nagle's coalescing
      return new Link(rank, s.getInetAddress().getHostAddress() + ":" + s.getPort(), s,
          new DataInputStream(new BufferedInputStream(s.getInputStream(), 1 << 16)),
          new DataOutputStream(new BufferedOutputStream(s.getOutputStream(), 1 << 16)));
    }
  }

  private StarAllReduce(int rank, int size, int timeoutMillis, ServerSocket server, Link[] links) {
    this.rank = rank;
    this.size = size;
    this.timeoutMillis = timeoutMillis;
    this.server = server;
    this.links = links;
  }

  /**
   * Connects the {@code size} ranks. {@code allGather} is Spark's {@code BarrierTaskContext.allGather} (tests pass
   * their own): every rank calls it once with its message and gets all messages in rank order. Rank 0 listens on
   * {@code host} (the executor's address) and publishes {@code host:port}.
   */
  static StarAllReduce connect(int rank, int size, String host, int timeoutMillis,
      Function<String, String[]> allGather) {
    ServerSocket server = null;
    List<Link> opened = new ArrayList<>();
    try {
      String mine = host;
      if (rank == 0 && size > 1) {
        server = new ServerSocket(0, size, InetAddress.getByName(host));
        server.setSoTimeout(timeoutMillis);
        mine = hostPort(host, server.getLocalPort());
      }
      String[] all = allGather.apply(mine);
      Link[] links = new Link[size];
      if (rank == 0) {
        for (int i = 1; i < size; i++) {
          Socket s = accept(server, all);
          s.setSoTimeout(timeoutMillis);
          int peer = new DataInputStream(s.getInputStream()).readInt();
          if (peer <= 0 || peer >= size || links[peer] != null) {
            s.close();
            throw new IllegalStateException("barrier all-reduce: rank 0 got a connection announcing rank " + peer
                + " from " + s.getRemoteSocketAddress() + "; expected each of ranks 1-" + (size - 1) + " once");
          }
          links[peer] = Link.of(peer, s);
          opened.add(links[peer]);
        }
      } else {
        links[0] = Link.of(0, dial(all[0], timeoutMillis));
        opened.add(links[0]);
        links[0].socket().setSoTimeout(timeoutMillis);
        links[0].out().writeInt(rank);
        links[0].out().flush();
      }
      return new StarAllReduce(rank, size, timeoutMillis, server, links);
    } catch (IOException | RuntimeException e) {
      for (Link l : opened) {
        closeQuietly(l.socket());
      }
      closeQuietly(server);
      if (e instanceof IllegalStateException ise) {
        throw ise;
      }
      throw new IllegalStateException("barrier all-reduce: rank " + rank + " of " + size + " could not connect: " + e,
          e);
    }
  }

  private static String hostPort(String host, int port) {
    return host.contains(":") && !host.startsWith("[") ? "[" + host + "]:" + port : host + ":" + port;
  }

  private static Socket accept(ServerSocket server, String[] all) throws IOException {
    try {
      return server.accept();
    } catch (SocketTimeoutException e) {
      throw new IllegalStateException("barrier all-reduce: rank 0 at " + all[0] + " waited " + server.getSoTimeout()
          + " ms for the other ranks to connect (ranks' hosts: " + String.join(", ", all) + ")", e);
    }
  }

  private static Socket dial(String hostPort, int timeoutMillis) throws IOException {
    int colon = hostPort.lastIndexOf(':');
    String host = hostPort.substring(0, colon).replace("[", "").replace("]", "");
    Socket s = new Socket();
    try {
      s.connect(new InetSocketAddress(host, Integer.parseInt(hostPort.substring(colon + 1))), timeoutMillis);
    } catch (IOException e) {
      s.close();
      throw new IllegalStateException("barrier all-reduce: cannot connect to rank 0 at " + hostPort + ": " + e, e);
    }
    return s;
  }

  int rank() {
    return rank;
  }

  int size() {
    return size;
  }

  /**
   * One all-reduce: rank 0 receives every rank's {@code mine} (its own at index 0, the others in rank order), calls
   * {@code combine} on them and sends the arrays it returns (entries may be null) to every rank; every rank
   * returns those arrays. Only rank 0 calls {@code combine}.
   */
  double[][] allReduce(PartitionResult mine, Function<List<PartitionResult>, double[][]> combine) {
    if (rank != 0) {
      Link root = links[0];
      write(root, out -> writeResult(out, mine));
      return read(root, StarAllReduce::readArrays);
    }
    List<PartitionResult> all = new ArrayList<>(size);
    all.add(mine);
    for (int r = 1; r < size; r++) {
      all.add(read(links[r], StarAllReduce::readResult));
    }
    double[][] reply = combine.apply(all);
    for (int r = 1; r < size; r++) {
      write(links[r], out -> writeArrays(out, reply));
    }
    return reply;
  }

  @FunctionalInterface
  private interface Reader<T> {
    T read(DataInputStream in) throws IOException;
  }

  @FunctionalInterface
  private interface Writer {
    void write(DataOutputStream out) throws IOException;
  }

  private <T> T read(Link peer, Reader<T> reader) {
    try {
      return reader.read(peer.in());
    } catch (SocketTimeoutException e) {
      throw new IllegalStateException("barrier all-reduce: rank " + rank + " got nothing from rank " + peer.rank()
          + " at " + peer.address() + " for " + timeoutMillis + " ms (its task is stalled or gone)", e);
    } catch (EOFException e) {
      throw new IllegalStateException("barrier all-reduce: rank " + peer.rank() + " at " + peer.address()
          + " closed the connection to rank " + rank + " (its task failed or was killed)", e);
    } catch (IOException e) {
      throw new IllegalStateException("barrier all-reduce: rank " + rank + " lost rank " + peer.rank() + " at "
          + peer.address() + ": " + e, e);
    }
  }

  private void write(Link peer, Writer writer) {
    try {
      writer.write(peer.out());
      peer.out().flush();
    } catch (IOException e) {
      throw new IllegalStateException("barrier all-reduce: rank " + rank + " cannot send to rank " + peer.rank()
          + " at " + peer.address() + ": " + e, e);
    }
  }

  private static void writeResult(DataOutputStream out, PartitionResult r) throws IOException {
    out.writeInt(r.partition());
    out.writeLong(r.rows());
    out.writeDouble(r.lossSum());
    writeArray(out, r.values());
    writeArray(out, r.nonTrainable());
  }

  private static PartitionResult readResult(DataInputStream in) throws IOException {
    int partition = in.readInt();
    long rows = in.readLong();
    double lossSum = in.readDouble();
    return new PartitionResult(partition, rows, lossSum, readArray(in), readArray(in), null);
  }

  private static void writeArrays(DataOutputStream out, double[][] arrays) throws IOException {
    out.writeInt(arrays.length);
    for (double[] a : arrays) {
      writeArray(out, a);
    }
  }

  private static double[][] readArrays(DataInputStream in) throws IOException {
    double[][] out = new double[in.readInt()][];
    for (int i = 0; i < out.length; i++) {
      out[i] = readArray(in);
    }
    return out;
  }

  /** Length (-1: null), then the values as big-endian doubles, converted in bulk. */
  private static void writeArray(DataOutputStream out, double[] a) throws IOException {
    if (a == null) {
      out.writeInt(-1);
      return;
    }
    out.writeInt(a.length);
    ByteBuffer b = ByteBuffer.allocate(Math.min(a.length, 8192) * Double.BYTES);
    for (int at = 0; at < a.length; ) {
      int n = Math.min(a.length - at, b.capacity() / Double.BYTES);
      b.clear();
      b.asDoubleBuffer().put(a, at, n);
      out.write(b.array(), 0, n * Double.BYTES);
      at += n;
    }
  }

  private static double[] readArray(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0) {
      return null;
    }
    double[] a = new double[n];
    byte[] bytes = new byte[Math.min(n, 8192) * Double.BYTES];
    for (int at = 0; at < n; ) {
      int k = Math.min(n - at, bytes.length / Double.BYTES);
      in.readFully(bytes, 0, k * Double.BYTES);
      ByteBuffer.wrap(bytes, 0, k * Double.BYTES).asDoubleBuffer().get(a, at, k);
      at += k;
    }
    return a;
  }

  /** Closes every link (a peer still waiting on this rank then fails at once instead of at its timeout). */
  @Override
  public void close() {
    for (Link l : links) {
      if (l != null) {
        closeQuietly(l.socket());
      }
    }
    closeQuietly(server);
  }

  private static void closeQuietly(AutoCloseable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (Exception ignored) {
      // closing after a failure: the original error is the one to report
    }
  }
}
