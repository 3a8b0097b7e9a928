package dev.vae4j.backend.cuda;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;

/**
 * An address wrapped as a JavaCPP pointer, so that {@link RealCuda} can pass the seam's long
 * addresses and handles to the bindings (and the staging buffer's address reaches the host-side
 * FloatPointer that fills it). It owns nothing: the memory belongs to the allocation it points
 * into, and a device address is never dereferenced on the host.
 */
final class DevicePointer extends FloatPointer {
  DevicePointer(long address) {
    super((Pointer) null);
    this.address = address;
  }
}
