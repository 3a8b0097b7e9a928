package dev.vae4j.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.stream.ImageInputStream;

/**
 * Reads one image file through ImageIO: the JDK's readers (PNG, JPEG, BMP, GIF) and TwelveMonkeys'
 * (JPEG in CMYK/YCCK and the progressive or broken-marker files the JDK refuses, WebP), found by
 * ImageIO's service loading from their jars. An animated GIF or WebP gives its first frame. Every
 * failure, including a reader's own unchecked exception on a malformed file, is one {@link
 * DataException} naming the file.
 */
final class ImageDecoder {
  /** Largest image decoded, in pixels (a 10,000 x 10,000 photo); larger headers are refused unread. */
  static final long MAX_PIXELS = 100_000_000;

  private ImageDecoder() {}

  /** What an image's header says, read without decoding its pixels. */
  record Header(int width, int height, boolean grey) {}

  /** Something that opens the file's bytes as an ImageIO stream (once per header or decode). */
  @FunctionalInterface
  interface Source {
    ImageInputStream open() throws IOException;
  }

  /** The size and colour of the image {@code source} holds, {@code name} naming it in messages. */
  static Header header(Source source, String name) throws DataException {
    return withReader(source, name, reader -> {
      int w = reader.getWidth(0), h = reader.getHeight(0);
      checkSize(name, w, h);
      return new Header(w, h, isGrey(reader));
    });
  }

  /** The image {@code source} holds, as 8-bit planes. */
  static DecodedImage decode(Source source, String name) throws DataException {
    return withReader(source, name, reader -> {
      checkSize(name, reader.getWidth(0), reader.getHeight(0));
      List<String> truncation = new ArrayList<>();
      reader.addIIOReadWarningListener((r, warning) -> {
        if (isTruncation(warning)) truncation.add(warning);
      });
      BufferedImage image = reader.read(0);
      // A JPEG cut short decodes with its missing part grey, and only a warning says so.
      if (!truncation.isEmpty()) throw new DataException(name + ": truncated image (" + truncation.get(0) + ")");
      return ImagePixels.of(image);
    });
  }

  private interface ReaderJob<T> {
    T run(ImageReader reader) throws IOException;
  }

  /**
   * {@code job} with each reader that can decode the file in turn until one succeeds, on one stream:
   * the readers of its name's suffix first (asking only them is what makes small files quick), else
   * every reader ImageIO has. The first failure is the one reported, the first reader being the one
   * that claims the format.
   */
  private static <T> T withReader(Source source, String name, ReaderJob<T> job) throws DataException {
    List<String> failures = new ArrayList<>();
    List<ImageReader> readers = new ArrayList<>();
    try (ImageInputStream in = source.open()) {
      if (in == null) throw new DataException(name + ": cannot open it");
      readers.addAll(candidates(in, name));
      if (readers.isEmpty()) throw new DataException(name + ": not an image ImageIO can read (unknown format or damaged header)");
      for (ImageReader reader : readers) {
        try {
          in.seek(0);
          reader.setInput(in, false, true);
          return job.run(reader);
        } catch (DataException e) {
          throw e;
        } catch (IOException | RuntimeException e) {
          // A reader's unchecked exception (IndexOutOfBounds, IllegalArgument, ...) is its way of
          // saying the file is malformed.
          failures.add(reason(e));
        }
      }
    } catch (DataException e) {
      throw e;
    } catch (IOException e) {
      throw new DataException(name + ": cannot read it: " + reason(e), e);
    } finally {
      readers.forEach(ImageReader::dispose);
    }
    throw new DataException(name + ": damaged or truncated image (" + failures.get(0) + ")");
  }

  /** The readers that say they can decode {@code in}: those of {@code name}'s suffix, else any. */
  private static List<ImageReader> candidates(ImageInputStream in, String name) throws IOException {
    List<ImageReader> readers = new ArrayList<>();
    int dot = name.lastIndexOf('.');
    if (dot >= 0 && dot > name.lastIndexOf('/')) {
      for (Iterator<ImageReader> r = ImageIO.getImageReadersBySuffix(name.substring(dot + 1).toLowerCase(Locale.ROOT));
          r.hasNext(); ) {
        ImageReader reader = r.next();
        if (reader.getOriginatingProvider().canDecodeInput(in)) {
          readers.add(reader);
        } else {
          reader.dispose();
        }
      }
    }
    // Otherwise (no suffix, or a .png that holds a JPEG) every reader is asked; the iterator asks
    // lazily, so it is drained while the stream is open.
    if (readers.isEmpty()) ImageIO.getImageReaders(in).forEachRemaining(readers::add);
    return readers;
  }

  private static boolean isTruncation(String warning) {
    String w = warning == null ? "" : warning.toLowerCase(Locale.ROOT);
    return w.contains("truncated") || w.contains("premature end");
  }

  private static boolean isGrey(ImageReader reader) throws IOException {
    ImageTypeSpecifier type = reader.getRawImageType(0);
    if (type == null) {
      Iterator<ImageTypeSpecifier> types = reader.getImageTypes(0);
      type = types.hasNext() ? types.next() : null;
    }
    return type != null && ImagePixels.isGrey(type.getColorModel());
  }

  private static void checkSize(String name, int width, int height) throws DataException {
    if (width <= 0 || height <= 0) throw new DataException(name + ": image of " + width + "x" + height + " pixels");
    if ((long) width * height > MAX_PIXELS) {
      throw new DataException(String.format(Locale.ROOT, "%s: %dx%d pixels, larger than the %,d decoded", name,
          width, height, MAX_PIXELS));
    }
  }

  private static String reason(Throwable e) {
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.getClass().getSimpleName() : message.lines().findFirst().orElse("").strip();
  }
}
