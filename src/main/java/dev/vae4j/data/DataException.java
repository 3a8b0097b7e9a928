package dev.vae4j.data;

import java.io.IOException;

/** A data file is malformed or inconsistent; the message is one line naming the file and the problem. */
public final class DataException extends IOException {
  public DataException(String message) {
    super(message);
  }

  public DataException(String message, Throwable cause) {
    super(message, cause);
  }
}
