package dev.vae4j.backend.cuda;

import static org.bytedeco.cuda.global.cudnn.CUDNN_ACTIVATION_RELU;
import static org.bytedeco.cuda.global.cudnn.CUDNN_DEFAULT_MATH;
import static org.bytedeco.cuda.global.cudnn.CUDNN_FMA_MATH;
import static org.bytedeco.cuda.global.cudnn.CUDNN_NOT_PROPAGATE_NAN;

/**
 * The backend's one cuDNN handle, bound to its stream, and what every convolution plan shares: the
 * ReLU activation descriptor and the math type. Made when the first convolution is prepared, so a
 * dense model never loads cuDNN (nor needs it installed).
 *
 * <p>Math: FP32 uses {@code CUDNN_FMA_MATH}, since on Ampere and newer {@code CUDNN_DEFAULT_MATH}
 * lets cuDNN pick TF32 tensor-core kernels for float data; with the backend's TF32 option it is
 * {@code CUDNN_DEFAULT_MATH}, as for its GEMMs. ReLU does not propagate NaN, as {@code
 * vae4j_bias_activation}'s {@code fmaxf} does not.
 */
final class Cudnn implements AutoCloseable {
  final CudaContext context;
  final CudaApi api;
  final long handle;
  /** The ReLU activation descriptor (fused forward and the unfused activation). */
  final long relu;
  final boolean tf32;
  /** The math type every convolution descriptor starts from. */
  final int mathType;
  /** The loaded library's version, e.g. 92500. */
  final long version;

  private Cudnn(CudaContext context, boolean tf32) {
    this.context = context;
    this.api = context.api;
    this.tf32 = tf32;
    this.mathType = tf32 ? CUDNN_DEFAULT_MATH : CUDNN_FMA_MATH;
    context.makeCurrent();
    this.version = api.cudnnGetVersion();
    long[] out = new long[1];
    Status.cudnn(api.cudnnCreate(out), "cudnnCreate");
    this.handle = out[0];
    try {
      Status.cudnn(api.cudnnSetStream(handle, context.stream), "cudnnSetStream");
      Status.cudnn(api.cudnnCreateActivationDescriptor(out), "cudnnCreateActivationDescriptor");
    } catch (RuntimeException e) {
      api.cudnnDestroy(handle);
      throw e;
    }
    this.relu = out[0];
    try {
      Status.cudnn(api.cudnnSetActivationDescriptor(relu, CUDNN_ACTIVATION_RELU, CUDNN_NOT_PROPAGATE_NAN, 0.0),
          "cudnnSetActivationDescriptor(RELU)");
    } catch (RuntimeException e) {
      api.cudnnDestroyActivationDescriptor(relu);
      api.cudnnDestroy(handle);
      throw e;
    }
  }

  /**
   * cuDNN on {@code context}'s stream.
   *
   * @throws CudaException naming the missing library when cuDNN cannot be loaded
   */
  static Cudnn open(CudaContext context, boolean tf32) {
    String failure = context.api.cudnnLoadFailure();
    if (failure != null) throw new CudaException("convolutions on the CUDA backend need cuDNN: " + failure);
    return new Cudnn(context, tf32);
  }

  /** E.g. {@code "9.25.0"} from 92500. */
  String versionString() {
    return version / 10000 + "." + version / 100 % 100 + "." + version % 100;
  }

  @Override
  public void close() {
    context.makeCurrent();
    int rc = api.cudnnDestroyActivationDescriptor(relu);
    int destroy = api.cudnnDestroy(handle);
    Status.cudnn(rc, "cudnnDestroyActivationDescriptor");
    Status.cudnn(destroy, "cudnnDestroy");
  }
}
