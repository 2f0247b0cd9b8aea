package dev.tapekit.data;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.zip.GZIPInputStream;

/**
 * Downloads a file over HTTP(S) into place atomically: the body goes to a temporary file next to the
 * target, its SHA-256 is checked, and only then is it renamed to the target. A failed or mismatching
 * download leaves nothing behind.
 */
public final class Downloader {
  private Downloader() {}

  /**
   * Downloads {@code url} to {@code target}. {@code sha256} (hex, may be null to skip the check) is of
   * the file's bytes, or of its un-gzipped content when {@code hashOfContent}, which survives
   * recompression by mirrors.
   */
  public static void download(URI url, Path target, String sha256, boolean hashOfContent) throws IOException {
    Path part = dev.tapekit.io.AtomicWrite.tempSibling(target);
    boolean done = false;
    try {
      HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
          .connectTimeout(Duration.ofSeconds(30)).build();
      HttpRequest request = HttpRequest.newBuilder(url).timeout(Duration.ofMinutes(10)).GET().build();
      HttpResponse<Path> response;
      try {
        response = client.send(request, HttpResponse.BodyHandlers.ofFile(part));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("Download of " + url + " was interrupted", e);
      }
      if (response.statusCode() != 200) {
        throw new IOException("Download of " + url + " failed: HTTP " + response.statusCode());
      }
      if (sha256 != null) {
        String got = sha256(part, hashOfContent);
        if (!got.equalsIgnoreCase(sha256)) {
          throw new IOException("Download of " + url + " failed its SHA-256 check" + (hashOfContent
              ? " (of the un-gzipped content)" : "") + ": expected " + sha256 + ", got " + got
              + "; the file was discarded");
        }
      }
      dev.tapekit.io.AtomicWrite.commit(part, target);
      done = true;
    } finally {
      if (!done) {
        Files.deleteIfExists(part);
      }
    }
  }

  /** The hex SHA-256 of a file, or of its un-gzipped content. */
  public static String sha256(Path file, boolean ofContent) throws IOException {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    try (InputStream raw = Files.newInputStream(file);
        InputStream in = ofContent ? new GZIPInputStream(raw, 1 << 16) : raw) {
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
    } catch (java.util.zip.ZipException e) {
      return "not-gzip";
    }
    return HexFormat.of().formatHex(md.digest());
  }
}
