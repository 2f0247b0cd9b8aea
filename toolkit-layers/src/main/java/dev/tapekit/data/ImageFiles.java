package dev.tapekit.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/** Reads one image file (PNG, JPEG, BMP, GIF through javax.imageio) into HWC values 0..255, resized. */
final class ImageFiles {
  /** The most pixels an image may claim before it is decoded (a 16k x 16k photo fits). */
  static final long MAX_PIXELS = 1L << 28;

  private ImageFiles() {}

  /**
   * The image's pixels as float HWC, {@code channels} 1 (grey), 3 (RGB) or 4 (RGBA), bilinearly resized
   * to {@code height x width} as tf.image.resize does, written into {@code out} at {@code offset}.
   */
  static void read(Path file, int channels, int height, int width, float[] out, int offset) throws IOException {
    BufferedImage img = decode(file);
    int h = img.getHeight();
    int w = img.getWidth();
    float[] src = new float[h * w * channels];
    boolean grey = img.getType() == BufferedImage.TYPE_BYTE_GRAY;
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int p = (y * w + x) * channels;
        if (grey) {
          int v = img.getRaster().getSample(x, y, 0);
          for (int c = 0; c < channels; c++) {
            src[p + c] = c == 3 ? 255 : v;
          }
          continue;
        }
        int argb = img.getRGB(x, y);
        int r = (argb >> 16) & 0xff;
        int g = (argb >> 8) & 0xff;
        int b = argb & 0xff;
        if (channels == 1) {
          src[p] = Math.round(0.299f * r + 0.587f * g + 0.114f * b);
        } else {
          src[p] = r;
          src[p + 1] = g;
          src[p + 2] = b;
          if (channels == 4) {
            src[p + 3] = (argb >>> 24) & 0xff;
          }
        }
      }
    }
    resizeBilinear(src, h, w, channels, out, offset, height, width);
  }

  /** Decodes after checking the dimensions the header claims, so a hostile header allocates nothing. */
  private static BufferedImage decode(Path file) throws IOException {
    try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
      Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
      if (readers == null || !readers.hasNext()) {
        throw new IOException(file + ": not an image javax.imageio can read (PNG, JPEG, BMP, GIF)");
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        long w = reader.getWidth(0);
        long h = reader.getHeight(0);
        if (w < 1 || h < 1 || w * h > MAX_PIXELS) {
          throw new IOException(file + ": the header claims " + w + "x" + h + " pixels; refusing to decode more than "
              + MAX_PIXELS + " pixels");
        }
        return reader.read(0);
      } catch (javax.imageio.IIOException e) {
        throw new IOException(file + ": cannot decode the image: " + e.getMessage(), e);
      } catch (RuntimeException e) {
        throw new IOException(file + ": cannot decode the image: " + e, e);
      } finally {
        reader.dispose();
      }
    }
  }

  /**
   * tf.image.resize(method='bilinear', antialias=False) with TensorFlow 2's half-pixel centres: output
   * pixel y samples input row (y + 0.5) * inH / outH - 0.5, between floor and ceil clamped to the image.
   */
  static void resizeBilinear(float[] src, int inH, int inW, int channels, float[] out, int offset, int outH, int outW) {
    float sy = (float) inH / outH;
    float sx = (float) inW / outW;
    for (int y = 0; y < outH; y++) {
      float fy = (y + 0.5f) * sy - 0.5f;
      int y0 = Math.max((int) Math.floor(fy), 0);
      int y1 = Math.min((int) Math.ceil(fy), inH - 1);
      float ly = fy - (float) Math.floor(fy);
      for (int x = 0; x < outW; x++) {
        float fx = (x + 0.5f) * sx - 0.5f;
        int x0 = Math.max((int) Math.floor(fx), 0);
        int x1 = Math.min((int) Math.ceil(fx), inW - 1);
        float lx = fx - (float) Math.floor(fx);
        for (int c = 0; c < channels; c++) {
          float tl = src[(y0 * inW + x0) * channels + c];
          float tr = src[(y0 * inW + x1) * channels + c];
          float bl = src[(y1 * inW + x0) * channels + c];
          float br = src[(y1 * inW + x1) * channels + c];
          float top = tl + (tr - tl) * lx;
          float bottom = bl + (br - bl) * lx;
          out[offset + (y * outW + x) * channels + c] = top + (bottom - top) * ly;
        }
      }
    }
  }
}
