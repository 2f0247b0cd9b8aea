package dev.tapekit.layers;

/**
 * A layer would create weights past {@link ModelSizeLimit#maxModelBytes()}; the message names the layer, the
 * weight, its size and the limit. An {@link IllegalArgumentException}, as other bad layer arguments are.
 */
public class ModelTooLargeException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** An exception with a message naming the layer and the sizes. */
  public ModelTooLargeException(String message) {
    super(message);
  }
}
