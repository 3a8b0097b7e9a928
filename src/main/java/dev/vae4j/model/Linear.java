package dev.vae4j.model;

/**
 * One fully connected layer {@code y = x W^T + b} inside the flat parameter buffer: W is {@code
 * [out, in]} row-major at {@code weightOffset} (PyTorch {@code nn.Linear} layout), b is {@code
 * [out]} at {@code biasOffset}.
 */
public record Linear(int in, int out, long weightOffset, long biasOffset) {
  public long weightSize() {
    return (long) in * out;
  }
}
