package dev.tapekit.keras;

import dev.tapekit.layers.ModelTooLargeException;
import java.util.function.Supplier;

/**
 * The boundary between a Keras file's configs and tapekit's layer and optimizer readers: their errors come
 * out as one line naming the file and the part of it; the JDK's own (a cast, a null, from a field of the
 * wrong type in a hostile file) say which kind of problem it was instead of their raw text.
 */
final class KerasErrors {
  private KerasErrors() {}

  /**
   * Runs {@code read}; a failure's message is prefixed with "file: part: " ("file: " when part is null)
   * unless it names the file already.
   */
  static <T> T at(String file, String part, Supplier<T> read) {
    String where = part == null ? file : file + ": " + part;
    try {
      return read.get();
    } catch (ModelTooLargeException e) {
      String msg = oneLine(e.getMessage());
      throw new ModelTooLargeException(msg.startsWith(file) ? msg : where + ": " + msg);
    } catch (IllegalArgumentException | IllegalStateException | ClassCastException | NullPointerException
        | IndexOutOfBoundsException | ArithmeticException | NegativeArraySizeException e) {
      boolean ours = (e instanceof IllegalArgumentException || e instanceof IllegalStateException)
          && !(e instanceof NumberFormatException) && e.getMessage() != null && !e.getMessage().isBlank();
      String what = ours ? e.getMessage()
          : e instanceof ClassCastException ? "a field has the wrong type"
          : e instanceof NullPointerException ? "a required field is missing"
          : e instanceof NumberFormatException ? "a field is not a valid number"
          : e instanceof ArithmeticException ? "a size or index is out of range"
          : "its sizes are inconsistent";
      String msg = oneLine(what);
      throw new IllegalArgumentException(msg.startsWith(file) ? msg : where + ": " + msg, e);
    }
  }

  static String oneLine(String m) {
    return String.join(" ", m.strip().split("\\s*\\R\\s*")).replaceAll("\\p{Cntrl}", "?");
  }
}
