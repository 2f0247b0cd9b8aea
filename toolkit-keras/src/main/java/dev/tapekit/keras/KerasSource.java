package dev.tapekit.keras;

/**
 * Where a legacy Keras config came from: the file (for messages), the Keras version that wrote it (Keras's
 * own rule: a file without {@code keras_version} is Keras 1) and the backend ({@code tensorflow},
 * {@code theano}, {@code cntk}).
 */
record KerasSource(String file, String kerasVersion, String backend) {
  KerasSource {
    kerasVersion = kerasVersion == null || kerasVersion.isBlank() ? "1" : kerasVersion.strip();
    backend = backend == null ? "tensorflow" : backend.strip();
  }

  /** The major version: 1, 2 (Keras 2.x and tf.keras), 3. */
  int major() {
    int end = 0;
    while (end < kerasVersion.length() && Character.isDigit(kerasVersion.charAt(end))) {
      end++;
    }
    if (end == 0 || end > 3) {
      throw new IllegalArgumentException(file + ": keras_version " + KerasJson.show(kerasVersion)
          + " is not a Keras version");
    }
    return Integer.parseInt(kerasVersion.substring(0, end));
  }

  boolean keras1() {
    return major() == 1;
  }

  boolean theano() {
    return backend.equals("theano");
  }

  /** "file: layer "name": " for messages about one layer. */
  String at(String layer) {
    return file + ": layer \"" + layer + "\": ";
  }
}
