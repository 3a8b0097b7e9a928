package dev.vae4j.model.layer;

/**
 * A named view of the flat parameter buffer (and, at the same offsets, of gradients and Adam
 * moments): {@code shape} is {@code [out, in]} for a linear weight, {@code [out]} for a bias; the
 * name is PyTorch's, e.g. {@code enc.fc.weight}. {@code fanIn} is how many inputs each output of
 * the owning layer sums (a linear layer's {@code in}), which sets PyTorch's initial bound
 * {@code 1/sqrt(fanIn)} for its weight and bias alike.
 */
public record ParameterView(String name, long offset, int[] shape, int fanIn) {
  public long size() {
    long n = 1;
    for (int d : shape) n *= d;
    return n;
  }
}
