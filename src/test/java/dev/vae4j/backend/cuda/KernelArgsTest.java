package dev.vae4j.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.bytedeco.javacpp.LongPointer;
import org.junit.jupiter.api.Test;

/** The parameter block layout that cuLaunchKernel reads. Host memory only: needs no GPU. */
class KernelArgsTest {

  @Test
  void slotsHoldValuesAsTheKernelReadsThem() {
    try (KernelArgs args = new KernelArgs(5)) {
      args.begin().i32(-2).f32(1.5f).i64(1L << 40).f64(0.25).ptr(0xDEAD_BEEFL);
      assertEquals(0xFFFF_FFFEL, args.slot(0)); // int -2 in the low four bytes
      assertEquals(Float.floatToRawIntBits(1.5f), (int) args.slot(1));
      assertEquals(1L << 40, args.slot(2));
      assertEquals(0.25, Double.longBitsToDouble(args.slot(3)));
      assertEquals(0xDEAD_BEEFL, args.slot(4));
      assertEquals("ifldp", args.kinds()); // what the transcript and the PTX signature check read
      assertArrayEquals(new long[] {0xFFFF_FFFEL, Float.floatToRawIntBits(1.5f), 1L << 40,
          Double.doubleToRawLongBits(0.25), 0xDEAD_BEEFL}, args.values());
    }
  }

  @Test
  void kernelParamsPointsAtEachSlot() {
    try (KernelArgs args = new KernelArgs(3)) {
      args.begin().i64(7).i64(8).i64(9);
      LongPointer params = new LongPointer(args.kernelParams());
      for (int i = 0; i < 3; i++) {
        assertEquals(7 + i, new LongPointer(new DevicePointer(params.get(i))).get(0));
      }
    }
  }

  @Test
  void nullTensorIsANullPointer() {
    try (KernelArgs args = new KernelArgs(1)) {
      args.begin().ptr((CudaTensor) null);
      assertEquals(0L, args.slot(0));
    }
  }

  @Test
  void countsArguments() {
    try (KernelArgs args = new KernelArgs(2)) {
      args.begin().i32(1);
      assertThrows(IllegalStateException.class, args::kernelParams);
      args.i32(2);
      assertThrows(IllegalStateException.class, () -> args.i32(3));
      args.begin().i32(4).i32(5);
      args.kernelParams();
    }
  }

  @Test
  void setReplacesEveryValue() {
    try (KernelArgs args = new KernelArgs(2)) {
      args.begin().i64(1).i64(2);
      args.set(new long[] {3, 4});
      assertEquals(3, args.slot(0));
      assertEquals(4, args.slot(1));
      args.kernelParams();
      assertThrows(IllegalArgumentException.class, () -> args.set(new long[] {1}));
    }
  }

  @Test
  void devicePointerCarriesTheAddress() {
    assertEquals(0x7000_0000_1000L, new DevicePointer(0x7000_0000_1000L).address());
    CudaTensor t = CudaTensor.allocation(0x1000, 100);
    CudaTensor s = t.slice(10, 20);
    assertEquals(0x1000 + 40, s.address);
    assertEquals(t, s.root);
    assertThrows(IndexOutOfBoundsException.class, () -> t.slice(90, 11));
  }
}
