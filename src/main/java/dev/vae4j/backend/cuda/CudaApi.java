package dev.vae4j.backend.cuda;

/**
 * The seam between the CUDA backend and the GPU: every call of this package that touches the
 * device, the driver, cuBLAS(Lt) or cuDNN goes through one of these methods, one method per binding the
 * backend uses, with the binding's name, its arguments in its order and its status code as the
 * result. {@link RealCuda} calls the bytedeco bindings; a recording fake in the tests ({@code
 * RecordingCuda}) writes one transcript line per call instead, so that one training step's launches
 * can be compared, call by call and argument byte by argument byte, before and after a refactoring
 * of the code above the seam, on a machine without a GPU.
 *
 * <p>Why plain Java types (long addresses and handles, {@code long[]}/{@code int[]} out-parameters):
 * the bytedeco CUDA classes cannot even be initialised where {@code libcudart} is missing, so
 * nothing above the seam may name them; only {@link RealCuda} converts to them. (Their {@code int}
 * constants are compile-time constants, which javac copies, so naming those loads nothing.) {@link
 * KernelArgs} crosses the seam as it is: it holds only JavaCPP's own host memory, and the real
 * launch must pass its {@code PointerPointer} unchanged.
 *
 * <p>Out-parameters are arrays of one element. Handles (context, stream, module, function, graph,
 * cuBLAS handles, descriptors, layouts, preferences) are the native pointer values; 0 is null.
 */
interface CudaApi {
  // ---- versions and devices (CudaProbe)
  int cudaDriverGetVersion(int[] version);

  int cudaRuntimeGetVersion(int[] version);

  int cudaGetDeviceCount(int[] count);

  int cuDeviceGet(int[] device, int ordinal);

  int cuDeviceGetName(byte[] name, int length, int device);

  int cuDeviceTotalMem(long[] bytes, int device);

  // ---- device, context, stream (CudaContext, CudaProbe)
  int cudaSetDevice(int device);

  int cuInit(int flags);

  int cuCtxGetCurrent(long[] context);

  int cuCtxSetCurrent(long context);

  int cudaStreamCreateWithFlags(long[] stream, int flags);

  int cudaStreamSynchronize(long stream);

  int cudaStreamDestroy(long stream);

  int cudaDeviceGetAttribute(int[] value, int attribute, int device);

  // ---- memory (DeviceMemory, CudaBackend's copies)
  int cudaMalloc(long[] address, long bytes);

  /** Also {@code cudaFree(NULL)}, which creates the primary context. */
  int cudaFree(long address);

  int cudaMemsetAsync(long address, int value, long bytes, long stream);

  /** Pinned host memory: the caller writes and reads it directly, so a fake must hand out real host memory. */
  int cudaMallocHost(long[] address, long bytes);

  int cudaFreeHost(long address);

  int cudaMemGetInfo(long[] free, long[] total);

  int cudaMemcpyAsync(long to, long from, long bytes, int kind, long stream);

  // ---- kernels, driver API (KernelModule)
  int cuModuleLoadData(long[] module, byte[] image);

  int cuModuleGetFunction(long[] function, long module, String name);

  int cuModuleUnload(long module);

  /** {@code kernelParams} is {@code args.kernelParams()}; {@code extra} is always null. */
  int cuLaunchKernel(long function, int gridX, int gridY, int gridZ, int blockX, int blockY, int blockZ,
      int sharedMemBytes, long stream, KernelArgs args);

  // ---- graphs (CudaGraphStep)
  int cudaStreamBeginCapture(long stream, int mode);

  int cudaStreamEndCapture(long stream, long[] graph);

  int cudaGraphInstantiate(long[] exec, long graph, long flags);

  int cudaGraphLaunch(long exec, long stream);

  int cudaGraphExecDestroy(long exec);

  int cudaGraphDestroy(long graph);

  // ---- cuBLAS (Cublas); alpha and beta are host scalars
  int cublasCreate(long[] handle);

  int cublasSetStream(long handle, long stream);

  int cublasSetWorkspace(long handle, long workspace, long bytes);

  int cublasSetMathMode(long handle, int mode);

  int cublasGetVersion(long handle, int[] version);

  int cublasSgemm(long handle, int transa, int transb, int m, int n, int k, float alpha, long a, int lda, long b,
      int ldb, float beta, long c, int ldc);

  /** {@code batch} column-major GEMMs, operand i at {@code i * stride} elements from its base. */
  int cublasSgemmStridedBatched(long handle, int transa, int transb, int m, int n, int k, float alpha, long a,
      int lda, long strideA, long b, int ldb, long strideB, float beta, long c, int ldc, long strideC, int batch);

  int cublasDestroy(long handle);

  // ---- cuBLASLt (CublasLt)
  int cublasLtCreate(long[] handle);

  int cublasLtDestroy(long handle);

  int cublasLtMatmulDescCreate(long[] desc, int computeType, int scaleType);

  /** The attribute's value is {@code bytes} (4 or 8) wide; the library copies it. */
  int cublasLtMatmulDescSetAttribute(long desc, int attribute, long value, int bytes);

  int cublasLtMatmulDescDestroy(long desc);

  int cublasLtMatrixLayoutCreate(long[] layout, int type, long rows, long cols, long ld);

  int cublasLtMatrixLayoutDestroy(long layout);

  int cublasLtMatmulPreferenceCreate(long[] preference);

  /** The attribute's value is {@code bytes} (4 or 8) wide. */
  int cublasLtMatmulPreferenceSetAttribute(long preference, int attribute, long value, int bytes);

  int cublasLtMatmulPreferenceDestroy(long preference);

  /** A host {@code cublasLtMatmulHeuristicResult_t} for one plan's chosen algorithm; a handle. */
  long newHeuristicResult();

  /** The result's {@code state} field (a {@code cublasStatus_t}). */
  int heuristicState(long result);

  void freeHeuristicResult(long result);

  /** Asks for {@code requested} algorithms, written into {@code result}; {@code found[0]} how many. */
  int cublasLtMatmulAlgoGetHeuristic(long handle, long desc, long a, long b, long c, long d, long preference,
      int requested, long result, int[] found);

  /** {@code algo} is the algorithm held in heuristic result {@code result}. */
  int cublasLtMatmul(long handle, long desc, float alpha, long a, long aLayout, long b, long bLayout, float beta,
      long c, long cLayout, long d, long dLayout, long result, long workspace, long workspaceBytes, long stream);

  // ---- cuDNN (Cudnn, CudnnConvPlan), loaded only for models with convolutions; alpha and beta are host floats

  /**
   * Null when the cuDNN 9 bindings and {@code libcudnn*.so.9} load, else why not; loads them on
   * first call, so that a dense model never needs cuDNN.
   */
  String cudnnLoadFailure();

  /** {@code CUDNN_VERSION} of the loaded library, e.g. 92500 for 9.25.0 (not a status). */
  long cudnnGetVersion();

  int cudnnCreate(long[] handle);

  int cudnnSetStream(long handle, long stream);

  int cudnnDestroy(long handle);

  int cudnnCreateTensorDescriptor(long[] desc);

  int cudnnSetTensor4dDescriptor(long desc, int format, int dataType, int n, int c, int h, int w);

  int cudnnDestroyTensorDescriptor(long desc);

  int cudnnCreateFilterDescriptor(long[] desc);

  int cudnnSetFilter4dDescriptor(long desc, int dataType, int format, int k, int c, int h, int w);

  int cudnnDestroyFilterDescriptor(long desc);

  int cudnnCreateConvolutionDescriptor(long[] desc);

  int cudnnSetConvolution2dDescriptor(long desc, int padH, int padW, int strideH, int strideW, int dilationH,
      int dilationW, int mode, int computeType);

  int cudnnSetConvolutionMathType(long desc, int mathType);

  int cudnnDestroyConvolutionDescriptor(long desc);

  int cudnnCreateActivationDescriptor(long[] desc);

  int cudnnSetActivationDescriptor(long desc, int mode, int nanPropagation, double coef);

  int cudnnDestroyActivationDescriptor(long desc);

  /**
   * The heuristics' ranking of forward algorithms, best first: {@code returned[0]} results, the
   * i-th in {@code algo[i]}, {@code status[i]}, {@code memory[i]} (workspace bytes), {@code
   * mathType[i]}; each array holds {@code requested} elements. Likewise the two below.
   */
  int cudnnGetConvolutionForwardAlgorithm_v7(long handle, long x, long w, long conv, long y, int requested,
      int[] returned, int[] algo, int[] status, long[] memory, int[] mathType);

  int cudnnGetConvolutionBackwardDataAlgorithm_v7(long handle, long w, long dy, long conv, long dx, int requested,
      int[] returned, int[] algo, int[] status, long[] memory, int[] mathType);

  int cudnnGetConvolutionBackwardFilterAlgorithm_v7(long handle, long x, long dy, long conv, long dw, int requested,
      int[] returned, int[] algo, int[] status, long[] memory, int[] mathType);

  int cudnnConvolutionForward(long handle, float alpha, long xDesc, long x, long wDesc, long w, long conv, int algo,
      long workspace, long workspaceBytes, float beta, long yDesc, long y);

  /** {@code y = act(alpha1 * conv(x, w) + alpha2 * z + bias)}. */
  int cudnnConvolutionBiasActivationForward(long handle, float alpha1, long xDesc, long x, long wDesc, long w,
      long conv, int algo, long workspace, long workspaceBytes, float alpha2, long zDesc, long z, long biasDesc,
      long bias, long activation, long yDesc, long y);

  int cudnnConvolutionBackwardData(long handle, float alpha, long wDesc, long w, long dyDesc, long dy, long conv,
      int algo, long workspace, long workspaceBytes, float beta, long dxDesc, long dx);

  int cudnnConvolutionBackwardFilter(long handle, float alpha, long xDesc, long x, long dyDesc, long dy, long conv,
      int algo, long workspace, long workspaceBytes, float beta, long dwDesc, long dw);

  int cudnnConvolutionBackwardBias(long handle, float alpha, long dyDesc, long dy, float beta, long dbDesc, long db);

  /** {@code c = alpha * a + beta * c}, {@code a} broadcast over the dimensions where it has size 1. */
  int cudnnAddTensor(long handle, float alpha, long aDesc, long a, float beta, long cDesc, long c);

  int cudnnActivationForward(long handle, long activation, float alpha, long xDesc, long x, float beta, long yDesc,
      long y);
}
