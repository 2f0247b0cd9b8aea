package dev.tapekit.core;

import dev.tapekit.core.kernels.Buffers;
import dev.tapekit.core.kernels.FastKernels;
import dev.tapekit.core.kernels.RowGather;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.Pad;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** Shape and indexing ops: reshape, transpose, concat, slice, gather, pad, where, cast, sort, linspace, ... */
abstract class ArrayOps extends ReductionOps {
  ArrayOps() {}

  // ---------------------------------------------------------------- identity and gradient control

  /** A new tensor with the same values; its gradient passes straight through. */
  public static Tensor identity(TensorLike x) {
    Tensor a = t(x);
    Tensor out = wrap(a.array().dup());
    return record1("Identity", out, g -> new Tensor[] {g}, a);
  }

  /** The same values with no gradient flowing back through it ({@code tf.stop_gradient}). */
  public static Tensor stopGradient(TensorLike x) {
    // NOTE: shares the input's memory: released with the scope, but never recycled from here
    return Tensor.alias(t(x).array());
  }

  /** Zeros with x's shape and dtype. */
  public static Tensor zerosLike(TensorLike x) {
    return filledLike(x, 0.0);
  }

  /** Ones with x's shape and dtype. */
  public static Tensor onesLike(TensorLike x) {
    return filledLike(x, 1.0);
  }

  /**
   * {@code num} evenly spaced float32 values from {@code start} to {@code stop}, both included exactly
   * ({@code tf.linspace}).
   */
  public static Tensor linspace(double start, double stop, int num) {
    return linspace(start, stop, num, DType.FLOAT32);
  }

  /**
   * {@code tf.linspace} in float32 or float64: {@code start + i * (stop - start) / (num - 1)}, computed in
   * the dtype, with the last value {@code stop} itself (as TensorFlow, which appends the endpoint).
   */
  public static Tensor linspace(double start, double stop, int num, DType dtype) {
    if (num < 0) {
      throw new IllegalArgumentException("LinSpace: num must be non-negative, got " + num);
    }
    requireFloatingType("LinSpace", dtype);
    int steps = Math.max(num - 1, 1);
    double[] v = new double[num];
    if (dtype == DType.FLOAT32) { // NOTE: in float32 arithmetic, so the values are TensorFlow's bit for bit
      float s = (float) start;
      float delta = ((float) stop - s) / steps;
      for (int i = 1; i < num - 1; i++) {
        v[i] = s + delta * i;
      }
    } else {
      double delta = (stop - start) / steps;
      for (int i = 1; i < num - 1; i++) {
        v[i] = start + delta * i;
      }
    }
    if (num > 0) {
      v[0] = start;
    }
    if (num > 1) {
      v[num - 1] = stop;
    }
    return wrap(Nd4j.create(v, new long[] {num}, 'c').castTo(dtype.nd4j()));
  }

  private static void requireFloatingType(String op, DType dtype) {
    if (!dtype.isFloating()) {
      throw new IllegalArgumentException(op + ": dtype must be float32 or float64, got " + dtype);
    }
  }

  /** A constant of x's shape and dtype; floating ones come from the step's array pool. */
  private static Tensor filledLike(TensorLike x, double value) {
    if (x.dtype().isFloating()) {
      return wrap(Buffers.filled(x.shape(), value, x.dtype().nd4j()));
    }
    return wrap(value == 0.0 ? Nd4j.zeros(x.dtype().nd4j(), x.shape()) : Nd4j.ones(x.dtype().nd4j(), x.shape()));
  }

  /** Changes the dtype; gradients flow between floating types only. */
  public static Tensor cast(TensorLike x, DType dtype) {
    Tensor a = t(x);
    if (a.dtype() == dtype) {
      return a;
    }
    Tensor out = wrap(a.array().castTo(dtype.nd4j()));
    if (!a.dtype().isFloating() || !dtype.isFloating()) {
      return out;
    }
    return record1("Cast", out, g -> new Tensor[] {cast(g, a.dtype())}, a);
  }

  /** True where the value is neither infinite nor NaN. */
  public static Tensor isFinite(TensorLike x) {
    Tensor a = t(x);
    INDArray out = Nd4j.createUninitialized(DataType.BOOL, a.shape());
    Nd4j.getExecutioner().exec(new org.nd4j.linalg.api.ops.impl.transforms.bool.IsFinite(a.array(), out));
    return wrap(out);
  }

  // ---------------------------------------------------------------- shapes

  /** Reshape; one dimension may be -1 and is inferred. */
  public static Tensor reshape(TensorLike x, long... shape) {
    Tensor a = t(x);
    long[] target = inferShape(a, shape);
    if (Arrays.equals(target, a.shape())) {
      return a;
    }
    Tensor out = wrap(a.array().reshape('c', target));
    long[] original = a.shape();
    return record1("Reshape", out, g -> new Tensor[] {reshape(g, original)}, a);
  }

  private static long[] inferShape(Tensor a, long[] shape) {
    long known = 1;
    int unknown = -1;
    for (int i = 0; i < shape.length; i++) {
      if (shape[i] == -1) {
        if (unknown >= 0) {
          throw new IllegalArgumentException("Reshape: only one dimension can be -1, got " + Shapes.str(shape));
        }
        unknown = i;
      } else if (shape[i] < 0) {
        throw new IllegalArgumentException("Reshape: invalid dimension in " + Shapes.str(shape));
      } else {
        known *= shape[i];
      }
    }
    long[] out = shape.clone();
    long n = a.size();
    if (unknown >= 0) {
      if (known == 0 || n % known != 0) {
        throw new IllegalArgumentException("Reshape: cannot reshape a tensor with " + n + " elements to shape "
            + Shapes.str(shape));
      }
      out[unknown] = n / known;
    } else if (known != n) {
      throw new IllegalArgumentException("Reshape: cannot reshape a tensor of shape " + Shapes.str(a.shape())
          + " (" + n + " elements) to shape " + Shapes.str(shape) + " (" + known + " elements)");
    }
    return out;
  }

  /** Reverses the axes. */
  public static Tensor transpose(TensorLike x) {
    Tensor a = t(x);
    int[] perm = new int[a.rank()];
    for (int i = 0; i < perm.length; i++) {
      perm[i] = perm.length - 1 - i;
    }
    return transpose(a, perm);
  }

  /** Permutes the axes: output axis i is input axis perm[i]. */
  public static Tensor transpose(TensorLike x, int... perm) {
    Tensor a = t(x);
    if (perm.length != a.rank()) {
      throw new IllegalArgumentException("Transpose: perm " + Arrays.toString(perm) + " does not match rank "
          + a.rank() + " of shape " + Shapes.str(a.shape()));
    }
    int[] p = Shapes.axes("Transpose", perm, a.rank());
    int[] inverse = new int[p.length];
    for (int i = 0; i < p.length; i++) {
      inverse[p[i]] = i;
    }
    Tensor out = wrap(a.array().permute(p).dup('c'));
    return record1("Transpose", out, g -> new Tensor[] {transpose(g, inverse)}, a);
  }

  /** Inserts a size-1 axis at {@code axis}. */
  public static Tensor expandDims(TensorLike x, int axis) {
    Tensor a = t(x);
    long[] s = a.shape();
    int ax = axis < 0 ? axis + s.length + 1 : axis;
    if (ax < 0 || ax > s.length) {
      throw new IllegalArgumentException("ExpandDims: axis " + axis + " is out of bounds for rank " + s.length);
    }
    long[] out = new long[s.length + 1];
    for (int i = 0, j = 0; i < out.length; i++) {
      out[i] = i == ax ? 1 : s[j++];
    }
    return reshape(a, out);
  }

  /** Removes all size-1 axes. */
  public static Tensor squeeze(TensorLike x) {
    Tensor a = t(x);
    return reshape(a, Arrays.stream(a.shape()).filter(d -> d != 1).toArray());
  }

  /** Removes the given size-1 axes. */
  public static Tensor squeeze(TensorLike x, int... axis) {
    Tensor a = t(x);
    int[] axes = Shapes.axes("Squeeze", axis, a.rank());
    long[] s = a.shape();
    List<Long> out = new ArrayList<>();
    for (int i = 0; i < s.length; i++) {
      final int idx = i;
      boolean drop = Arrays.stream(axes).anyMatch(v -> v == idx);
      if (drop && s[i] != 1) {
        throw new IllegalArgumentException("Squeeze: cannot squeeze axis " + i + " of size " + s[i]
            + " in shape " + Shapes.str(s));
      }
      if (!drop) {
        out.add(s[i]);
      }
    }
    return reshape(a, out.stream().mapToLong(Long::longValue).toArray());
  }

  /** Broadcasts to a shape with NumPy rules. */
  public static Tensor broadcastTo(TensorLike x, long... shape) {
    Tensor a = t(x);
    long[] target = Shapes.broadcast("BroadcastTo", a.shape(), shape);
    if (!Arrays.equals(target, shape)) {
      throw new IllegalArgumentException("BroadcastTo: cannot broadcast shape " + Shapes.str(a.shape())
          + " to " + Shapes.str(shape));
    }
    if (Arrays.equals(a.shape(), shape)) {
      return a;
    }
    Tensor out = wrap(bcast(a.array(), shape));
    long[] original = a.shape();
    return record1("BroadcastTo", out, g -> new Tensor[] {sumTo(g, original)}, a);
  }

  // ---------------------------------------------------------------- joining and splitting

  /** Joins tensors along an existing axis. */
  public static Tensor concat(List<? extends TensorLike> values, int axis) {
    if (values.isEmpty()) {
      throw new IllegalArgumentException("Concat: needs at least one tensor");
    }
    Tensor[] in = new Tensor[values.size()];
    INDArray[] arrays = new INDArray[in.length];
    for (int i = 0; i < in.length; i++) {
      in[i] = t(values.get(i));
      arrays[i] = in[i].array();
    }
    int ax = Shapes.axis("ConcatV2", axis, in[0].rank());
    long[] sizes = new long[in.length];
    for (int i = 0; i < in.length; i++) {
      long[] s = in[i].shape();
      long[] s0 = in[0].shape();
      if (s.length != s0.length || in[i].dtype() != in[0].dtype()) {
        throw new IllegalArgumentException("ConcatV2: tensor " + i + " has shape " + Shapes.str(s) + " and dtype "
            + in[i].dtype() + ", tensor 0 has " + Shapes.str(s0) + " and " + in[0].dtype());
      }
      for (int d = 0; d < s.length; d++) {
        if (d != ax && s[d] != s0[d]) {
          throw new IllegalArgumentException("ConcatV2: dimension " + d + " differs: tensor 0 has shape "
              + Shapes.str(s0) + ", tensor " + i + " has " + Shapes.str(s));
        }
      }
      sizes[i] = s[ax];
    }
    Tensor out = in.length == 1 ? wrap(arrays[0].dup()) : wrap(Nd4j.concat(ax, arrays));
    return record1("ConcatV2", out, g -> split(g, sizes, ax).toArray(new Tensor[0]), in);
  }

  /** Stacks same-shaped tensors along a new axis. */
  public static Tensor stack(List<? extends TensorLike> values, int axis) {
    if (values.isEmpty()) {
      throw new IllegalArgumentException("Pack: needs at least one tensor");
    }
    List<Tensor> expanded = new ArrayList<>(values.size());
    for (TensorLike v : values) {
      expanded.add(expandDims(v, axis));
    }
    return concat(expanded, axis < 0 ? axis : axis);
  }

  /** Stacks along axis 0. */
  public static Tensor stack(List<? extends TensorLike> values) {
    return stack(values, 0);
  }

  /** Splits into tensors of the given sizes along an axis (sizes must add up to the dimension). */
  public static List<Tensor> split(TensorLike x, long[] sizes, int axis) {
    Tensor a = t(x);
    int ax = Shapes.axis("SplitV", axis, a.rank());
    long total = Arrays.stream(sizes).sum();
    if (total != a.shape()[ax]) {
      throw new IllegalArgumentException("SplitV: sizes " + Arrays.toString(sizes) + " add up to " + total
          + " but axis " + axis + " of shape " + Shapes.str(a.shape()) + " has " + a.shape()[ax]);
    }
    Tensor[] outs = new Tensor[sizes.length];
    long start = 0;
    for (int i = 0; i < sizes.length; i++) {
      INDArrayIndex[] idx = NDArrayIndex.allFor(a.array());
      idx[ax] = NDArrayIndex.interval(start, start + sizes[i]);
      outs[i] = wrap(a.array().get(idx).dup('c'));
      start += sizes[i];
    }
    Tapes.recordAll("SplitV", outs, up -> new Tensor[] {concat(Arrays.asList(up), ax)}, a);
    return Arrays.asList(outs);
  }

  /** Splits into {@code numSplits} equal tensors along an axis. */
  public static List<Tensor> split(TensorLike x, int numSplits, int axis) {
    Tensor a = t(x);
    int ax = Shapes.axis("Split", axis, a.rank());
    long dim = a.shape()[ax];
    if (numSplits <= 0 || dim % numSplits != 0) {
      throw new IllegalArgumentException("Split: dimension " + dim + " of axis " + axis
          + " is not divisible by numSplits " + numSplits);
    }
    long[] sizes = new long[numSplits];
    Arrays.fill(sizes, dim / numSplits);
    return split(a, sizes, ax);
  }

  /** Unpacks along an axis into tensors of one rank less. */
  public static List<Tensor> unstack(TensorLike x, int axis) {
    Tensor a = t(x);
    int ax = Shapes.axis("Unpack", axis, a.rank());
    List<Tensor> parts = split(a, (int) a.shape()[ax], ax);
    List<Tensor> out = new ArrayList<>(parts.size());
    for (Tensor p : parts) {
      out.add(squeeze(p, ax));
    }
    return out;
  }

  public static List<Tensor> unstack(TensorLike x) {
    return unstack(x, 0);
  }

  /** A block of {@code size} elements starting at {@code begin} per axis; size -1 means "to the end". */
  public static Tensor slice(TensorLike x, long[] begin, long[] size) {
    Tensor a = t(x);
    long[] s = a.shape();
    if (begin.length != s.length || size.length != s.length) {
      throw new IllegalArgumentException("Slice: begin " + Arrays.toString(begin) + " and size "
          + Arrays.toString(size) + " must both have rank " + s.length + " of shape " + Shapes.str(s));
    }
    long[] sz = size.clone();
    INDArrayIndex[] idx = new INDArrayIndex[s.length];
    for (int d = 0; d < s.length; d++) {
      if (sz[d] == -1) {
        sz[d] = s[d] - begin[d];
      }
      if (begin[d] < 0 || sz[d] < 0 || begin[d] + sz[d] > s[d]) {
        throw new IllegalArgumentException("Slice: begin " + Arrays.toString(begin) + " and size "
            + Arrays.toString(size) + " are out of bounds for shape " + Shapes.str(s));
      }
      idx[d] = NDArrayIndex.interval(begin[d], begin[d] + sz[d]);
    }
    Tensor out = s.length == 0 ? wrap(a.array().dup()) : wrap(a.array().get(idx).dup('c'));
    return record1("Slice", out, g -> {
      long[][] pads = new long[s.length][2];
      for (int d = 0; d < s.length; d++) {
        pads[d][0] = begin[d];
        pads[d][1] = s[d] - begin[d] - sz[d];
      }
      return new Tensor[] {pad(g, pads)};
    }, a);
  }

  /** Pads with a constant (TensorFlow's CONSTANT mode); paddings[d] = {before, after}. */
  public static Tensor pad(TensorLike x, long[][] paddings, double constantValue) {
    Tensor a = t(x);
    long[] s = a.shape();
    if (paddings.length != s.length) {
      throw new IllegalArgumentException("Pad: paddings have " + paddings.length + " rows for a tensor of rank "
          + s.length + " (shape " + Shapes.str(s) + ")");
    }
    int[][] p = new int[s.length][2];
    boolean any = false;
    for (int d = 0; d < s.length; d++) {
      if (paddings[d].length != 2 || paddings[d][0] < 0 || paddings[d][1] < 0) {
        throw new IllegalArgumentException("Pad: paddings[" + d + "] must be two non-negative numbers, got "
            + Arrays.toString(paddings[d]));
      }
      p[d][0] = (int) paddings[d][0];
      p[d][1] = (int) paddings[d][1];
      any |= p[d][0] + p[d][1] > 0;
    }
    if (!any) {
      return identity(a);
    }
    Tensor out = wrap(Nd4j.pad(a.array(), p, Pad.Mode.CONSTANT, constantValue));
    return record1("Pad", out, g -> {
      long[] begin = new long[s.length];
      for (int d = 0; d < s.length; d++) {
        begin[d] = p[d][0];
      }
      return new Tensor[] {slice(g, begin, s)};
    }, a);
  }

  /** Pads with zeros. */
  public static Tensor pad(TensorLike x, long[][] paddings) {
    return pad(x, paddings, 0.0);
  }

  /** Repeats the tensor {@code multiples[d]} times along each axis. */
  public static Tensor tile(TensorLike x, long... multiples) {
    Tensor a = t(x);
    long[] s = a.shape();
    if (multiples.length != s.length) {
      throw new IllegalArgumentException("Tile: multiples " + Arrays.toString(multiples)
          + " must have one entry per axis of shape " + Shapes.str(s));
    }
    int[] reps = new int[s.length];
    for (int d = 0; d < s.length; d++) {
      reps[d] = (int) multiples[d];
    }
    Tensor out = wrap(Nd4j.tile(a.array(), reps));
    return record1("Tile", out, g -> {
      // view the gradient as [m0, d0, m1, d1, ...] and sum over the multiples
      long[] split = new long[2 * s.length];
      int[] sumAxes = new int[s.length];
      for (int d = 0; d < s.length; d++) {
        split[2 * d] = multiples[d];
        split[2 * d + 1] = s[d];
        sumAxes[d] = 2 * d;
      }
      return new Tensor[] {reshape(reduceSum(reshape(g, split), sumAxes, false), s)};
    }, a);
  }

  // ---------------------------------------------------------------- gather and scatter

  /** Takes slices of {@code params} along {@code axis} at integer {@code indices}. */
  public static Tensor gather(TensorLike params, TensorLike indices, int axis) {
    Tensor p = t(params), i = t(indices);
    if (i.dtype().isFloating() || i.dtype() == DType.BOOL) {
      throw new IllegalArgumentException("GatherV2: indices must be int32 or int64, got " + i.dtype());
    }
    int ax = Shapes.axis("GatherV2", axis, p.rank());
    checkIndices("GatherV2", i, p.shape()[ax]);
    Tensor out = wrap(exec("gather", new INDArray[] {p.array(), i.array()}, new int[] {ax}, null, null));
    return record1("GatherV2", out, g -> new Tensor[] {gatherGrad(g, i, p.shape(), ax), null}, p, i);
  }

  public static Tensor gather(TensorLike params, TensorLike indices) {
    return gather(params, indices, 0);
  }

  /**
   * Rows {@code indices} of {@code params}: {@code gather(params, indices, 0)} with the indices as a Java
   * array, for picking a batch of a data set without making an index tensor.
   */
  public static Tensor gather(TensorLike params, int[] rowIndices) {
    // a copy: the gradient rule reads the indices later, and the caller may reuse its array meanwhile
    int[] indices = rowIndices.clone();
    Tensor p = t(params);
    if (p.rank() == 0) {
      throw new IllegalArgumentException("GatherV2: params must have rank >= 1, got a scalar");
    }
    long rows = p.shape()[0];
    for (int i : indices) {
      if (i < 0 || i >= rows) {
        throw new IllegalArgumentException("GatherV2: indices must be in [0, " + rows + "), got " + i);
      }
    }
    INDArray a = p.array();
    Tensor out = FastKernels.enabled() && indices.length > 0 && RowGather.applies(a) ? wrap(RowGather.rows(a, indices))
        : wrap(exec("gather", new INDArray[] {a, Nd4j.createFromArray(indices)}, new int[] {0}, null, null));
    return record1("GatherV2", out, g -> new Tensor[] {gatherGrad(g, Tensor.of(indices), p.shape(), 0)}, p);
  }

  private static Tensor gatherGrad(Tensor g, Tensor indices, long[] paramsShape, int axis) {
    if (axis == 0) {
      long rows = indices.size();
      long[] flat = new long[1 + paramsShape.length - 1];
      flat[0] = rows;
      System.arraycopy(paramsShape, 1, flat, 1, paramsShape.length - 1);
      return unsortedSegmentSum(reshape(g, flat), reshape(indices, rows), paramsShape[0]);
    }
    // move the gathered axis to the front, scatter there, move it back
    int rank = paramsShape.length;
    int idxRank = indices.rank();
    int[] toFront = new int[g.rank()];
    int n = 0;
    for (int d = axis; d < axis + idxRank; d++) {
      toFront[n++] = d;
    }
    for (int d = 0; d < g.rank(); d++) {
      if (d < axis || d >= axis + idxRank) {
        toFront[n++] = d;
      }
    }
    long[] movedParams = new long[rank];
    movedParams[0] = paramsShape[axis];
    for (int d = 0, k = 1; d < rank; d++) {
      if (d != axis) {
        movedParams[k++] = paramsShape[d];
      }
    }
    Tensor moved = gatherGrad(transpose(g, toFront), indices, movedParams, 0);
    int[] back = new int[rank];
    for (int d = 0; d < rank; d++) {
      back[d] = d < axis ? d + 1 : (d == axis ? 0 : d);
    }
    return transpose(moved, back);
  }

  /** Sums rows of {@code data} into {@code numSegments} segments by id ({@code tf.math.unsorted_segment_sum}). */
  public static Tensor unsortedSegmentSum(TensorLike data, TensorLike segmentIds, long numSegments) {
    Tensor d = t(data), ids = t(segmentIds);
    if (ids.rank() != 1 || d.rank() < 1 || ids.shape()[0] != d.shape()[0]) {
      throw new IllegalArgumentException("UnsortedSegmentSum: segment ids of shape " + Shapes.str(ids.shape())
          + " must be a vector over the first axis of data of shape " + Shapes.str(d.shape()));
    }
    checkIndices("UnsortedSegmentSum", ids, numSegments);
    Tensor out = wrap(exec("unsorted_segment_sum", new INDArray[] {d.array(), ids.array()},
        new int[] {(int) numSegments}, null, null));
    return record1("UnsortedSegmentSum", out, g -> new Tensor[] {gather(g, ids, 0), null}, d, ids);
  }

  private static void checkIndices(String op, Tensor indices, long bound) {
    if (indices.size() == 0) {
      return;
    }
    double min = indices.array().minNumber().doubleValue();
    double max = indices.array().maxNumber().doubleValue();
    if (min < 0 || max >= bound) {
      throw new IllegalArgumentException(op + ": indices must be in [0, " + bound + "), got values from "
          + (long) min + " to " + (long) max);
    }
  }

  /** One-hot vectors along a new last axis ({@code tf.one_hot}). */
  public static Tensor oneHot(TensorLike indices, int depth, double onValue, double offValue, DType dtype) {
    Tensor i = t(indices);
    if (i.dtype().isFloating()) {
      throw new IllegalArgumentException("OneHot: indices must be integers, got " + i.dtype());
    }
    INDArray range = Nd4j.arange(depth).castTo(DataType.LONG);
    long[] shape = Arrays.copyOf(i.shape(), i.rank() + 1);
    shape[i.rank()] = depth;
    INDArray idx = bcast(i.array().castTo(DataType.LONG).reshape('c', withLast(i.shape())), shape);
    INDArray hits = exec("equals", new INDArray[] {idx, bcast(range, shape)}, null, null, null);
    INDArray out = hits.castTo(dtype.nd4j()).muli(onValue - offValue).addi(offValue);
    return wrap(out);
  }

  private static long[] withLast(long[] shape) {
    long[] s = Arrays.copyOf(shape, shape.length + 1);
    s[shape.length] = 1;
    return s;
  }

  /** One-hot float32 vectors of 1 and 0. */
  public static Tensor oneHot(TensorLike indices, int depth) {
    return oneHot(indices, depth, 1.0, 0.0, DType.FLOAT32);
  }

  // ---------------------------------------------------------------- sorting

  /** {@link #argsort(TensorLike, int, boolean)} along the last axis, ascending. */
  public static Tensor argsort(TensorLike x) {
    return argsort(x, -1, true);
  }

  /**
   * The int32 indices along {@code axis} that sort {@code x} ({@code tf.argsort}). Stable in both
   * directions: equal values keep their order. NaN sorts above every number (last when ascending), as
   * in NumPy.
   */
  public static Tensor argsort(TensorLike x, int axis, boolean ascending) {
    Tensor a = t(x);
    int ax = Shapes.axis("ArgSort", axis, a.rank());
    int[] src = sortedSources(a, ax, ascending);
    long inner = Shapes.size(Arrays.copyOfRange(a.shape(), ax + 1, a.rank()));
    long n = a.shape()[ax];
    int[] idx = new int[src.length];
    for (int j = 0; j < src.length; j++) {
      idx[j] = (int) (src[j] / inner % n); // the source's position along the axis
    }
    return wrap(Nd4j.createFromArray(idx).reshape('c', a.shape()));
  }

  /** {@link #sort(TensorLike, int, boolean)} along the last axis, ascending. */
  public static Tensor sort(TensorLike x) {
    return sort(x, -1, true);
  }

  /**
   * The values of {@code x} sorted along {@code axis} ({@code tf.sort}), stably, in the order of {@link
   * #argsort(TensorLike, int, boolean)}. A gather of the flattened input, so the gradient sends each
   * upstream value back to the position its value came from (and the rule is differentiable again).
   */
  public static Tensor sort(TensorLike x, int axis, boolean ascending) {
    Tensor a = t(x);
    int ax = Shapes.axis("Sort", axis, a.rank());
    if (a.size() == 0) {
      return identity(a);
    }
    Tensor sources = Tensor.of(sortedSources(a, ax, ascending));
    return reshape(gather(reshape(a, a.size()), sources, 0), a.shape());
  }

  /**
   * For each element of the sorted result (row-major), the flat index of the input element it takes:
   * every slice along {@code axis} is sorted by a stable sort of its positions.
   */
  private static int[] sortedSources(Tensor a, int axis, boolean ascending) {
    if (a.size() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("Sort: tensor of shape " + Shapes.str(a.shape()) + " is too large");
    }
    long[] shape = a.shape();
    int n = (int) shape[axis];
    int inner = (int) Shapes.size(Arrays.copyOfRange(shape, axis + 1, shape.length));
    int outer = n == 0 || inner == 0 ? 0 : (int) (a.size() / ((long) n * inner));
    boolean floating = a.dtype().isFloating();
    double[] d = floating ? a.toDoubleArray() : null;
    long[] l = floating ? null : a.toLongArray();
    java.util.Comparator<Integer> byValue = floating
        ? (p, q) -> compareNaNLast(d[p], d[q])
        : (p, q) -> Long.compare(l[p], l[q]);
    java.util.Comparator<Integer> order = ascending ? byValue : (p, q) -> byValue.compare(q, p);
    int[] src = new int[(int) a.size()];
    Integer[] slice = new Integer[n];
    for (int o = 0; o < outer; o++) {
      for (int i = 0; i < inner; i++) {
        int base = o * n * inner + i;
        for (int k = 0; k < n; k++) {
          slice[k] = base + k * inner;
        }
        Arrays.sort(slice, order); // NOTE: a merge sort (TimSort) on objects: stable
        for (int k = 0; k < n; k++) {
          src[base + k * inner] = slice[k];
        }
      }
    }
    return src;
  }

  /** Orders numbers as {@code <} does (so -0.0 equals 0.0) and NaN above all of them. */
  private static int compareNaNLast(double p, double q) {
    if (p < q) {
      return -1;
    }
    if (p > q) {
      return 1;
    }
    boolean pn = Double.isNaN(p);
    boolean qn = Double.isNaN(q);
    return pn == qn ? 0 : pn ? 1 : -1;
  }

  // ---------------------------------------------------------------- selection

  /** Picks x where condition is true and y elsewhere, with broadcasting ({@code tf.where}). */
  public static Tensor where(TensorLike condition, TensorLike x, TensorLike y) {
    Tensor c = t(condition), a = t(x), b = t(y);
    if (c.dtype() != DType.BOOL) {
      throw new IllegalArgumentException("SelectV2: condition must be bool, got " + c.dtype());
    }
    sameDType("SelectV2", a, b);
    long[] shape = Shapes.broadcast("SelectV2", Shapes.broadcast("SelectV2", c.shape(), a.shape()), b.shape());
    Tensor out = wrap(exec("select", new INDArray[] {bcast(c.array(), shape), bcast(a.array(), shape),
        bcast(b.array(), shape)}, null, null, null));
    return record1("SelectV2", out, g -> {
      Tensor zeros = zerosLike(g);
      return new Tensor[] {null, sumTo(where(c, g, zeros), a.shape()), sumTo(where(c, zeros, g), b.shape())};
    }, c, a, b);
  }
}
