package dev.tapekit.core;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Functions with a gradient of your choosing, like {@code @tf.custom_gradient}.
 *
 * <pre>{@code
 * UnaryOperator<Tensor> clipGradients = CustomGradient.of(y ->
 *     CustomGradient.Result.of(y, dy -> Ops.clipByNorm(dy, 0.5)));
 * }</pre>
 *
 * <p>The forward runs with recording paused and is recorded as one op whose rule is your gradient
 * function. Write the gradient function with tapekit ops if you want higher-order gradients through it.
 */
public final class CustomGradient {
  private CustomGradient() {}

  /** A forward value and the function mapping the upstream gradient to the input's gradient. */
  public record Result(Tensor value, UnaryOperator<Tensor> gradFn) {
    public static Result of(Tensor value, UnaryOperator<Tensor> gradFn) {
      return new Result(value, gradFn);
    }
  }

  /** For several inputs: the gradient function returns one gradient per input (null for none). */
  public record MultiResult(Tensor value, Function<Tensor, List<Tensor>> gradFn) {
    public static MultiResult of(Tensor value, Function<Tensor, List<Tensor>> gradFn) {
      return new MultiResult(value, gradFn);
    }
  }

  /** Gradients for the inputs and for the variables the forward read, in the order given to it. */
  public record Grads(List<Tensor> inputs, List<Tensor> variables) {}

  /** For functions that read variables: the gradient function also gets the variables it read. */
  public record VariablesResult(Tensor value, BiFunction<Tensor, List<Variable>, Grads> gradFn) {
    public static VariablesResult of(Tensor value, BiFunction<Tensor, List<Variable>, Grads> gradFn) {
      return new VariablesResult(value, gradFn);
    }
  }

  /** A one-input function with a custom gradient. */
  public static UnaryOperator<Tensor> of(Function<Tensor, Result> f) {
    return x -> {
      Result r = Tapes.paused(() -> f.apply(x));
      Tensor out = Tensor.alias(r.value().array());
      return Tapes.record("CustomGradient", out, up -> new Tensor[] {r.gradFn().apply(up[0])}, x);
    };
  }

  /** A several-input function with a custom gradient. */
  public static Function<List<Tensor>, Tensor> ofMany(Function<List<Tensor>, MultiResult> f) {
    return xs -> {
      MultiResult r = Tapes.paused(() -> f.apply(xs));
      Tensor out = Tensor.alias(r.value().array());
      return Tapes.record("CustomGradient", out, up -> {
        List<Tensor> g = r.gradFn().apply(up[0]);
        if (g.size() != xs.size()) {
          throw new IllegalStateException("custom gradient returned " + g.size() + " gradients for "
              + xs.size() + " inputs");
        }
        return g.toArray(new Tensor[0]);
      }, xs.toArray(new Tensor[0]));
    };
  }

  /**
   * A one-input function that reads variables: the variables it reads are found by running it under
   * a private tape, and then receive the gradients your function returns for them.
   */
  public static UnaryOperator<Tensor> withVariables(Function<Tensor, VariablesResult> f) {
    return x -> {
      List<Variable> read = new ArrayList<>();
      VariablesResult r = Tapes.paused(() -> {
        try (GradientTape probe = new GradientTape(false, true)) {
          VariablesResult res = f.apply(x);
          read.addAll(probe.watchedVariables());
          return res;
        }
      });
      Tensor[] inputs = new Tensor[1 + read.size()];
      inputs[0] = x;
      for (int i = 0; i < read.size(); i++) {
        inputs[1 + i] = read.get(i).read();
      }
      Tensor out = Tensor.alias(r.value().array());
      return Tapes.record("CustomGradient", out, up -> {
        Grads g = r.gradFn().apply(up[0], read);
        Tensor[] all = new Tensor[inputs.length];
        all[0] = g.inputs().isEmpty() ? null : g.inputs().get(0);
        for (int i = 0; i < read.size() && i < g.variables().size(); i++) {
          all[1 + i] = g.variables().get(i);
        }
        return all;
      }, inputs);
    };
  }
}
