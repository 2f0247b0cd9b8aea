package dev.tapekit.data;

import java.nio.file.Path;

/**
 * How {@link Datasets#load} finds and shapes a named dataset. Defaults: images as float32 0..255 of
 * shape [n, 28, 28] (Keras's values), look in the usual places, download when missing.
 */
public final class DatasetOptions {
  private Path directory;
  private Path cacheDir;
  private boolean download = true;
  private String baseUrl;
  private boolean scale;
  private boolean flatten;
  private boolean systemDirs = true;
  private boolean environment = true;
  private boolean searchCache = true;
  private String archiveSha256;

  /** Default options. */
  public static DatasetOptions defaults() {
    return new DatasetOptions();
  }

  /** A directory holding the dataset's files; searched first. */
  public DatasetOptions directory(Path directory) {
    this.directory = directory;
    return this;
  }

  /** The cache root (default {@code ~/.tapekit/datasets}); files live in {@code <cacheDir>/<name>}. */
  public DatasetOptions cacheDir(Path cacheDir) {
    this.cacheDir = cacheDir;
    return this;
  }

  /** Whether a missing dataset is downloaded into the cache (default true). */
  public DatasetOptions download(boolean download) {
    this.download = download;
    return this;
  }

  /** A mirror to download from instead of Keras's (the same file names under it). */
  public DatasetOptions baseUrl(String baseUrl) {
    this.baseUrl = baseUrl;
    return this;
  }

  /** Divide pixel values by 255 so they lie in [0, 1] (default false, as Keras's uint8 values). */
  public DatasetOptions scale(boolean scale) {
    this.scale = scale;
    return this;
  }

  /** Flatten images to [n, 784] (default false: [n, 28, 28]). */
  public DatasetOptions flatten(boolean flatten) {
    this.flatten = flatten;
    return this;
  }

  /** Whether system directories such as Debian's /usr/share/datasets are searched (default true). */
  public DatasetOptions systemDirs(boolean systemDirs) {
    this.systemDirs = systemDirs;
    return this;
  }

  /** Whether TAPEKIT_DATA and the tapekit.data property are consulted (default true). */
  public DatasetOptions environment(boolean environment) {
    this.environment = environment;
    return this;
  }

  /**
   * Whether the cache directory is searched (default true). With {@code searchCache(false)},
   * {@code systemDirs(false)}, {@code environment(false)} and {@code download(false)} only {@link #directory}
   * is looked at.
   */
  public DatasetOptions searchCache(boolean searchCache) {
    this.searchCache = searchCache;
    return this;
  }

  /** The SHA-256 a downloaded archive (CIFAR-10's) must have instead of the official one: for mirrors and tests. */
  DatasetOptions archiveSha256(String sha256) {
    this.archiveSha256 = sha256;
    return this;
  }

  String archiveSha256() {
    return archiveSha256;
  }

  Path directory() {
    return directory;
  }

  Path cacheDir() {
    return cacheDir != null ? cacheDir : Path.of(System.getProperty("user.home"), ".tapekit", "datasets");
  }

  boolean download() {
    return download;
  }

  String baseUrl() {
    return baseUrl;
  }

  boolean scale() {
    return scale;
  }

  boolean flatten() {
    return flatten;
  }

  boolean systemDirs() {
    return systemDirs;
  }

  boolean searchCache() {
    return searchCache;
  }

  boolean environment() {
    return environment;
  }
}
