package dev.tapekit.core;

import java.util.Arrays;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * An op of your own, recorded on tapes as one node under its name — the way to add a primitive
 * without touching tapekit. Give it a gradient with {@link #withGradient}; without one, taking a
 * gradient through it fails with TensorFlow's "No gradient defined for operation 'name'".
 *
 * <pre>{@code
 * UserOp cube = UserOp.define("Cube", xs -> Ops.pow(xs.get(0), 3.0))
 *     .withGradient((xs, g) -> List.of(Ops.multiply(g, Ops.multiply(Ops.square(xs.get(0)), 3.0))));
 * Tensor y = cube.apply(x);
 * GradientCheck.check(xs -> cube.apply(xs.get(0)), List.of(x64));   // check your rule
 * }</pre>
 */
public final class UserOp {
  private final String name;
  private final Function<List<Tensor>, Tensor> forward;
  private final BiFunction<List<Tensor>, Tensor, List<Tensor>> vjp;

  private UserOp(String name, Function<List<Tensor>, Tensor> forward,
      BiFunction<List<Tensor>, Tensor, List<Tensor>> vjp) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("UserOp: name must be a non-empty string");
    }
    this.name = name;
    this.forward = forward;
    this.vjp = vjp;
  }

  /** An op computed by {@code forward} (run with recording paused) and, so far, no gradient. */
  public static UserOp define(String name, Function<List<Tensor>, Tensor> forward) {
    return new UserOp(name, forward, null);
  }

  /** The same op with a vector-Jacobian product: (inputs, upstream) to one gradient per input. */
  public UserOp withGradient(BiFunction<List<Tensor>, Tensor, List<Tensor>> gradient) {
    return new UserOp(name, forward, gradient);
  }

  /** The op's name as recorded on tapes. */
  public String name() {
    return name;
  }

  /** Runs the op on inputs and records it. */
  public Tensor apply(TensorLike... inputs) {
    Tensor[] xs = new Tensor[inputs.length];
    for (int i = 0; i < xs.length; i++) {
      xs[i] = inputs[i].read();
    }
    List<Tensor> args = Arrays.asList(xs);
    Tensor value = Tapes.paused(() -> forward.apply(args));
    Tensor out = Tensor.alias(value.array());
    GradFn rule = vjp == null ? null : up -> {
      List<Tensor> g = vjp.apply(args, up[0]);
      if (g.size() != xs.length) {
        throw new IllegalStateException("gradient of '" + name + "' returned " + g.size() + " tensors for "
            + xs.length + " inputs");
      }
      return g.toArray(new Tensor[0]);
    };
    return Tapes.record(name, out, rule, xs);
  }
}
