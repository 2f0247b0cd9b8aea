package dev.tapekit.models;

import dev.tapekit.layers.Layer;
import java.lang.reflect.Field;
import java.lang.reflect.InaccessibleObjectException;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Keras's automatic tracking for Java: the layers a subclass of {@link Model} holds in its fields, directly
 * or in arrays, collections and map values (nested too; other iterables are not read), are the model's layers, so their weights train,
 * freeze and count. Fields are read in declaration order, superclass fields first, as Keras tracks
 * attributes in the order {@code __init__} assigns them.
 */
final class AutoTracking {
  private AutoTracking() {}

  /** The layers held by the fields the classes between {@code Model}/{@code Sequential} and {@code m}'s declare. */
  static List<Layer> layers(Model m) {
    Deque<Class<?>> classes = new ArrayDeque<>();
    for (Class<?> c = m.getClass(); c != Model.class && c != Sequential.class && c != null; c = c.getSuperclass()) {
      classes.push(c);
    }
    List<Layer> out = new ArrayList<>();
    Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    seen.add(m);
    for (Class<?> c : classes) {
      for (Field f : c.getDeclaredFields()) {
        if (Modifier.isStatic(f.getModifiers()) || f.isSynthetic()) {
          continue;
        }
        Object v;
        try {
          f.setAccessible(true);
          v = f.get(m);
        } catch (InaccessibleObjectException | IllegalAccessException e) {
          throw new IllegalStateException("Model \"" + m.name() + "\": cannot read field " + c.getName() + "." + f.getName()
              + " to track its layers (on the module path, open package " + c.getPackageName() + " to tapekit)", e);
        }
        collect(v, out, seen);
      }
    }
    return out;
  }

  private static void collect(Object v, List<Layer> out, Set<Object> seen) {
    if (v == null || !seen.add(v)) {
      return;
    }
    if (v instanceof Layer l) {
      out.add(l);
    } else if (v instanceof java.util.Collection<?> it) {
      // collections only: an Iterable may be a data stream that iterating would consume
      for (Object o : it) {
        collect(o, out, seen);
      }
    } else if (v instanceof Map<?, ?> map) {
      for (Object o : map.values()) {
        collect(o, out, seen);
      }
    } else if (v instanceof Object[] arr) {
      for (Object o : arr) {
        collect(o, out, seen);
      }
    }
  }
}
