package dev.vae4j.backend.cuda;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;

/**
 * A device address wrapped as a JavaCPP pointer, so it can be passed to cuBLAS and {@code
 * cudaMemcpy}. It owns nothing: the memory belongs to the allocation it points into, and it is
 * never dereferenced on the host.
 */
final class DevicePointer extends FloatPointer {
  DevicePointer(long address) {
    super((Pointer) null);
    this.address = address;
  }
}
