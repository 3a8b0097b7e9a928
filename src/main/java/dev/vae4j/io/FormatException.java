package dev.vae4j.io;

import java.io.IOException;

/** A file vae4j reads is malformed; the message is one line naming the file and the problem. */
public final class FormatException extends IOException {
  public FormatException(String message) {
    super(message);
  }

  public FormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
