package dev.vae4j.backend.cuda;

import java.util.HashMap;
import java.util.Map;
import org.bytedeco.cuda.cublas.cublasContext;
import org.bytedeco.cuda.cublas.cublasLtContext;
import org.bytedeco.cuda.cublas.cublasLtMatmulDescOpaque_t;
import org.bytedeco.cuda.cublas.cublasLtMatmulHeuristicResult_t;
import org.bytedeco.cuda.cublas.cublasLtMatmulPreferenceOpaque_t;
import org.bytedeco.cuda.cublas.cublasLtMatrixLayoutOpaque_t;
import org.bytedeco.cuda.cudart.CUctx_st;
import org.bytedeco.cuda.cudart.CUfunc_st;
import org.bytedeco.cuda.cudart.CUgraphExec_st;
import org.bytedeco.cuda.cudart.CUgraph_st;
import org.bytedeco.cuda.cudart.CUmod_st;
import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.cuda.cudnn.cudnnActivationStruct;
import org.bytedeco.cuda.cudnn.cudnnContext;
import org.bytedeco.cuda.cudnn.cudnnConvolutionBwdDataAlgoPerf_t;
import org.bytedeco.cuda.cudnn.cudnnConvolutionBwdFilterAlgoPerf_t;
import org.bytedeco.cuda.cudnn.cudnnConvolutionFwdAlgoPerf_t;
import org.bytedeco.cuda.cudnn.cudnnConvolutionStruct;
import org.bytedeco.cuda.cudnn.cudnnFilterStruct;
import org.bytedeco.cuda.cudnn.cudnnTensorStruct;
import org.bytedeco.cuda.global.cublas;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.cuda.global.cudnn;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacpp.SizeTPointer;

/**
 * {@link CudaApi} on the bytedeco bindings: each method wraps its long handles and addresses in
 * the bindings' types (which carry nothing but the address) and makes the one call, as the backend
 * made it before the seam existed. The only classes of the package that name bytedeco's CUDA
 * types (cuDNN's included) are this one, {@link CudaLibraries} (the load) and {@link Status} (error strings, read only
 * on failure); {@code LayeringTest} checks it. Made only once {@link CudaLibraries} has loaded the
 * bindings.
 */
final class RealCuda implements CudaApi {
  /** Scalars of cuBLAS' GEMMs and cuBLASLt's matmuls (host pointer mode: read at the call). */
  private final FloatPointer alpha = new FloatPointer(1);
  private final FloatPointer beta = new FloatPointer(1);
  /** cuDNN's two scaling factors (alpha and beta, or the fused forward's alpha1 and alpha2), read at the call. */
  private final FloatPointer cudnnAlpha = new FloatPointer(1);
  private final FloatPointer cudnnBeta = new FloatPointer(1);
  /** The heuristic results handed out, by address, so they stay reachable while a plan uses them. */
  private final Map<Long, cublasLtMatmulHeuristicResult_t> heuristics = new HashMap<>();

  private static DevicePointer at(long address) {
    return new DevicePointer(address);
  }

  private static CUstream_st stream(long h) {
    return new CUstream_st(at(h));
  }

  // ---- versions and devices

  @Override
  public int cudaDriverGetVersion(int[] version) {
    return cudart.cudaDriverGetVersion(version);
  }

  @Override
  public int cudaRuntimeGetVersion(int[] version) {
    return cudart.cudaRuntimeGetVersion(version);
  }

  @Override
  public int cudaGetDeviceCount(int[] count) {
    return cudart.cudaGetDeviceCount(count);
  }

  @Override
  public int cuDeviceGet(int[] device, int ordinal) {
    return cudart.cuDeviceGet(device, ordinal);
  }

  @Override
  public int cuDeviceGetName(byte[] name, int length, int device) {
    return cudart.cuDeviceGetName(name, length, device);
  }

  @Override
  public int cuDeviceTotalMem(long[] bytes, int device) {
    try (SizeTPointer b = new SizeTPointer(1)) {
      int rc = cudart.cuDeviceTotalMem(b, device);
      bytes[0] = b.get();
      return rc;
    }
  }

  // ---- device, context, stream

  @Override
  public int cudaSetDevice(int device) {
    return cudart.cudaSetDevice(device);
  }

  @Override
  public int cuInit(int flags) {
    return cudart.cuInit(flags);
  }

  @Override
  public int cuCtxGetCurrent(long[] context) {
    CUctx_st c = new CUctx_st();
    int rc = cudart.cuCtxGetCurrent(c);
    context[0] = c.address();
    return rc;
  }

  @Override
  public int cuCtxSetCurrent(long context) {
    return cudart.cuCtxSetCurrent(new CUctx_st(at(context)));
  }

  @Override
  public int cudaStreamCreateWithFlags(long[] out, int flags) {
    CUstream_st s = new CUstream_st();
    int rc = cudart.cudaStreamCreateWithFlags(s, flags);
    out[0] = s.address();
    return rc;
  }

  @Override
  public int cudaStreamSynchronize(long stream) {
    return cudart.cudaStreamSynchronize(stream(stream));
  }

  @Override
  public int cudaStreamDestroy(long stream) {
    return cudart.cudaStreamDestroy(stream(stream));
  }

  @Override
  public int cudaDeviceGetAttribute(int[] value, int attribute, int device) {
    return cudart.cudaDeviceGetAttribute(value, attribute, device);
  }

  // ---- memory

  @Override
  public int cudaMalloc(long[] address, long bytes) {
    Pointer p = new Pointer();
    int rc = cudart.cudaMalloc(p, bytes);
    address[0] = p.address();
    return rc;
  }

  @Override
  public int cudaFree(long address) {
    return cudart.cudaFree(at(address));
  }

  @Override
  public int cudaMemsetAsync(long address, int value, long bytes, long stream) {
    return cudart.cudaMemsetAsync(at(address), value, bytes, stream(stream));
  }

  @Override
  public int cudaMallocHost(long[] address, long bytes) {
    Pointer p = new Pointer();
    int rc = cudart.cudaMallocHost(p, bytes);
    address[0] = p.address();
    return rc;
  }

  @Override
  public int cudaFreeHost(long address) {
    return cudart.cudaFreeHost(at(address));
  }

  @Override
  public int cudaMemGetInfo(long[] free, long[] total) {
    try (SizeTPointer f = new SizeTPointer(1); SizeTPointer t = new SizeTPointer(1)) {
      int rc = cudart.cudaMemGetInfo(f, t);
      free[0] = f.get();
      total[0] = t.get();
      return rc;
    }
  }

  @Override
  public int cudaMemcpyAsync(long to, long from, long bytes, int kind, long stream) {
    return cudart.cudaMemcpyAsync(at(to), at(from), bytes, kind, stream(stream));
  }

  // ---- kernels

  @Override
  public int cuModuleLoadData(long[] module, byte[] image) {
    CUmod_st m = new CUmod_st();
    try (BytePointer fatbin = new BytePointer(image)) {
      int rc = cudart.cuModuleLoadData(m, fatbin);
      module[0] = m.address();
      return rc;
    }
  }

  @Override
  public int cuModuleGetFunction(long[] function, long module, String name) {
    CUfunc_st f = new CUfunc_st();
    int rc = cudart.cuModuleGetFunction(f, new CUmod_st(at(module)), name);
    function[0] = f.address();
    return rc;
  }

  @Override
  public int cuModuleUnload(long module) {
    return cudart.cuModuleUnload(new CUmod_st(at(module)));
  }

  @Override
  public int cuLaunchKernel(long function, int gridX, int gridY, int gridZ, int blockX, int blockY, int blockZ,
      int sharedMemBytes, long stream, KernelArgs args) {
    // The PointerPointer of the slots, and a null PointerPointer for extra: see KernelArgs.
    return cudart.cuLaunchKernel(new CUfunc_st(at(function)), gridX, gridY, gridZ, blockX, blockY, blockZ,
        sharedMemBytes, stream(stream), args.kernelParams(), (PointerPointer<?>) null);
  }

  // ---- graphs

  @Override
  public int cudaStreamBeginCapture(long stream, int mode) {
    return cudart.cudaStreamBeginCapture(stream(stream), mode);
  }

  @Override
  public int cudaStreamEndCapture(long stream, long[] graph) {
    CUgraph_st g = new CUgraph_st();
    int rc = cudart.cudaStreamEndCapture(stream(stream), g);
    graph[0] = g.address();
    return rc;
  }

  @Override
  public int cudaGraphInstantiate(long[] exec, long graph, long flags) {
    CUgraphExec_st e = new CUgraphExec_st();
    int rc = cudart.cudaGraphInstantiate(e, new CUgraph_st(at(graph)), flags);
    exec[0] = e.address();
    return rc;
  }

  @Override
  public int cudaGraphLaunch(long exec, long stream) {
    return cudart.cudaGraphLaunch(new CUgraphExec_st(at(exec)), stream(stream));
  }

  @Override
  public int cudaGraphExecDestroy(long exec) {
    return cudart.cudaGraphExecDestroy(new CUgraphExec_st(at(exec)));
  }

  @Override
  public int cudaGraphDestroy(long graph) {
    return cudart.cudaGraphDestroy(new CUgraph_st(at(graph)));
  }

  // ---- cuBLAS

  @Override
  public int cublasCreate(long[] handle) {
    cublasContext h = new cublasContext();
    int rc = cublas.cublasCreate_v2(h);
    handle[0] = h.address();
    return rc;
  }

  @Override
  public int cublasSetStream(long handle, long stream) {
    return cublas.cublasSetStream_v2(new cublasContext(at(handle)), stream(stream));
  }

  @Override
  public int cublasSetWorkspace(long handle, long workspace, long bytes) {
    return cublas.cublasSetWorkspace_v2(new cublasContext(at(handle)), at(workspace), bytes);
  }

  @Override
  public int cublasSetMathMode(long handle, int mode) {
    return cublas.cublasSetMathMode(new cublasContext(at(handle)), mode);
  }

  @Override
  public int cublasGetVersion(long handle, int[] version) {
    return cublas.cublasGetVersion_v2(new cublasContext(at(handle)), version);
  }

  @Override
  public int cublasSgemm(long handle, int transa, int transb, int m, int n, int k, float alphaValue, long a,
      int lda, long b, int ldb, float betaValue, long c, int ldc) {
    alpha.put(0, alphaValue);
    beta.put(0, betaValue);
    return cublas.cublasSgemm_v2(new cublasContext(at(handle)), transa, transb, m, n, k, alpha, at(a), lda, at(b),
        ldb, beta, at(c), ldc);
  }

  @Override
  public int cublasSgemmStridedBatched(long handle, int transa, int transb, int m, int n, int k, float alphaValue,
      long a, int lda, long strideA, long b, int ldb, long strideB, float betaValue, long c, int ldc, long strideC,
      int batch) {
    alpha.put(0, alphaValue);
    beta.put(0, betaValue);
    return cublas.cublasSgemmStridedBatched(new cublasContext(at(handle)), transa, transb, m, n, k, alpha, at(a), lda,
        strideA, at(b), ldb, strideB, beta, at(c), ldc, strideC, batch);
  }

  @Override
  public int cublasDestroy(long handle) {
    return cublas.cublasDestroy_v2(new cublasContext(at(handle)));
  }

  // ---- cuBLASLt

  @Override
  public int cublasLtCreate(long[] handle) {
    cublasLtContext h = new cublasLtContext();
    int rc = cublas.cublasLtCreate(h);
    handle[0] = h.address();
    return rc;
  }

  @Override
  public int cublasLtDestroy(long handle) {
    return cublas.cublasLtDestroy(new cublasLtContext(at(handle)));
  }

  @Override
  public int cublasLtMatmulDescCreate(long[] desc, int computeType, int scaleType) {
    try (PointerPointer<?> out = new PointerPointer<>(1)) {
      int rc = cublas.cublasLtMatmulDescCreate(out, computeType, scaleType);
      desc[0] = out.get(0) == null ? 0 : out.get(0).address();
      return rc;
    }
  }

  @Override
  public int cublasLtMatmulDescSetAttribute(long desc, int attribute, long value, int bytes) {
    try (Pointer p = scalar(value, bytes)) {
      return cublas.cublasLtMatmulDescSetAttribute(new cublasLtMatmulDescOpaque_t(at(desc)), attribute, p, bytes);
    }
  }

  @Override
  public int cublasLtMatmulDescDestroy(long desc) {
    return cublas.cublasLtMatmulDescDestroy(new cublasLtMatmulDescOpaque_t(at(desc)));
  }

  @Override
  public int cublasLtMatrixLayoutCreate(long[] layout, int type, long rows, long cols, long ld) {
    try (PointerPointer<?> out = new PointerPointer<>(1)) {
      int rc = cublas.cublasLtMatrixLayoutCreate(out, type, rows, cols, ld);
      layout[0] = out.get(0) == null ? 0 : out.get(0).address();
      return rc;
    }
  }

  @Override
  public int cublasLtMatrixLayoutDestroy(long layout) {
    return cublas.cublasLtMatrixLayoutDestroy(new cublasLtMatrixLayoutOpaque_t(at(layout)));
  }

  @Override
  public int cublasLtMatmulPreferenceCreate(long[] preference) {
    try (PointerPointer<?> out = new PointerPointer<>(1)) {
      int rc = cublas.cublasLtMatmulPreferenceCreate(out);
      preference[0] = out.get(0) == null ? 0 : out.get(0).address();
      return rc;
    }
  }

  @Override
  public int cublasLtMatmulPreferenceSetAttribute(long preference, int attribute, long value, int bytes) {
    try (Pointer p = scalar(value, bytes)) {
      return cublas.cublasLtMatmulPreferenceSetAttribute(new cublasLtMatmulPreferenceOpaque_t(at(preference)),
          attribute, p, bytes);
    }
  }

  @Override
  public int cublasLtMatmulPreferenceDestroy(long preference) {
    return cublas.cublasLtMatmulPreferenceDestroy(new cublasLtMatmulPreferenceOpaque_t(at(preference)));
  }

  @Override
  public long newHeuristicResult() {
    cublasLtMatmulHeuristicResult_t r = new cublasLtMatmulHeuristicResult_t();
    heuristics.put(r.address(), r);
    return r.address();
  }

  @Override
  public int heuristicState(long result) {
    return heuristics.get(result).state();
  }

  @Override
  public void freeHeuristicResult(long result) {
    cublasLtMatmulHeuristicResult_t r = heuristics.remove(result);
    if (r != null) r.close();
  }

  @Override
  public int cublasLtMatmulAlgoGetHeuristic(long handle, long desc, long a, long b, long c, long d, long preference,
      int requested, long result, int[] found) {
    return cublas.cublasLtMatmulAlgoGetHeuristic(new cublasLtContext(at(handle)),
        new cublasLtMatmulDescOpaque_t(at(desc)), new cublasLtMatrixLayoutOpaque_t(at(a)),
        new cublasLtMatrixLayoutOpaque_t(at(b)), new cublasLtMatrixLayoutOpaque_t(at(c)),
        new cublasLtMatrixLayoutOpaque_t(at(d)), new cublasLtMatmulPreferenceOpaque_t(at(preference)), requested,
        heuristics.get(result), found);
  }

  @Override
  public int cublasLtMatmul(long handle, long desc, float alphaValue, long a, long aLayout, long b, long bLayout,
      float betaValue, long c, long cLayout, long d, long dLayout, long result, long workspace, long workspaceBytes,
      long stream) {
    alpha.put(0, alphaValue);
    beta.put(0, betaValue);
    return cublas.cublasLtMatmul(new cublasLtContext(at(handle)), new cublasLtMatmulDescOpaque_t(at(desc)), alpha,
        at(a), new cublasLtMatrixLayoutOpaque_t(at(aLayout)), at(b), new cublasLtMatrixLayoutOpaque_t(at(bLayout)),
        beta, at(c), new cublasLtMatrixLayoutOpaque_t(at(cLayout)), at(d),
        new cublasLtMatrixLayoutOpaque_t(at(dLayout)), heuristics.get(result).algo(), at(workspace), workspaceBytes,
        stream(stream));
  }

  // ---- cuDNN (the class org.bytedeco.cuda.global.cudnn is touched only after cudnnLoadFailure() is null)

  @Override
  public String cudnnLoadFailure() {
    return CudaLibraries.cudnnFailure();
  }

  @Override
  public long cudnnGetVersion() {
    return cudnn.cudnnGetVersion();
  }

  private static cudnnContext dnn(long h) {
    return new cudnnContext(at(h));
  }

  private static cudnnTensorStruct tensor(long h) {
    return new cudnnTensorStruct(at(h));
  }

  private static cudnnFilterStruct filter(long h) {
    return new cudnnFilterStruct(at(h));
  }

  private static cudnnConvolutionStruct convolution(long h) {
    return new cudnnConvolutionStruct(at(h));
  }

  private static cudnnActivationStruct activation(long h) {
    return new cudnnActivationStruct(at(h));
  }

  /** Sets the two scaling factors; cuDNN reads them as host floats during the call. */
  private void scale(float alphaValue, float betaValue) {
    cudnnAlpha.put(0, alphaValue);
    cudnnBeta.put(0, betaValue);
  }

  @Override
  public int cudnnCreate(long[] handle) {
    cudnnContext h = new cudnnContext();
    int rc = cudnn.cudnnCreate(h);
    handle[0] = h.address();
    return rc;
  }

  @Override
  public int cudnnSetStream(long handle, long stream) {
    return cudnn.cudnnSetStream(dnn(handle), stream(stream));
  }

  @Override
  public int cudnnDestroy(long handle) {
    return cudnn.cudnnDestroy(dnn(handle));
  }

  @Override
  public int cudnnCreateTensorDescriptor(long[] desc) {
    cudnnTensorStruct d = new cudnnTensorStruct();
    int rc = cudnn.cudnnCreateTensorDescriptor(d);
    desc[0] = d.address();
    return rc;
  }

  @Override
  public int cudnnSetTensor4dDescriptor(long desc, int format, int dataType, int n, int c, int h, int w) {
    return cudnn.cudnnSetTensor4dDescriptor(tensor(desc), format, dataType, n, c, h, w);
  }

  @Override
  public int cudnnDestroyTensorDescriptor(long desc) {
    return cudnn.cudnnDestroyTensorDescriptor(tensor(desc));
  }

  @Override
  public int cudnnCreateFilterDescriptor(long[] desc) {
    cudnnFilterStruct d = new cudnnFilterStruct();
    int rc = cudnn.cudnnCreateFilterDescriptor(d);
    desc[0] = d.address();
    return rc;
  }

  @Override
  public int cudnnSetFilter4dDescriptor(long desc, int dataType, int format, int k, int c, int h, int w) {
    return cudnn.cudnnSetFilter4dDescriptor(filter(desc), dataType, format, k, c, h, w);
  }

  @Override
  public int cudnnDestroyFilterDescriptor(long desc) {
    return cudnn.cudnnDestroyFilterDescriptor(filter(desc));
  }

  @Override
  public int cudnnCreateConvolutionDescriptor(long[] desc) {
    cudnnConvolutionStruct d = new cudnnConvolutionStruct();
    int rc = cudnn.cudnnCreateConvolutionDescriptor(d);
    desc[0] = d.address();
    return rc;
  }

  @Override
  public int cudnnSetConvolution2dDescriptor(long desc, int padH, int padW, int strideH, int strideW, int dilationH,
      int dilationW, int mode, int computeType) {
    return cudnn.cudnnSetConvolution2dDescriptor(convolution(desc), padH, padW, strideH, strideW, dilationH, dilationW,
        mode, computeType);
  }

  @Override
  public int cudnnSetConvolutionMathType(long desc, int mathType) {
    return cudnn.cudnnSetConvolutionMathType(convolution(desc), mathType);
  }

  @Override
  public int cudnnDestroyConvolutionDescriptor(long desc) {
    return cudnn.cudnnDestroyConvolutionDescriptor(convolution(desc));
  }

  @Override
  public int cudnnCreateActivationDescriptor(long[] desc) {
    cudnnActivationStruct d = new cudnnActivationStruct();
    int rc = cudnn.cudnnCreateActivationDescriptor(d);
    desc[0] = d.address();
    return rc;
  }

  @Override
  public int cudnnSetActivationDescriptor(long desc, int mode, int nanPropagation, double coef) {
    return cudnn.cudnnSetActivationDescriptor(activation(desc), mode, nanPropagation, coef);
  }

  @Override
  public int cudnnDestroyActivationDescriptor(long desc) {
    return cudnn.cudnnDestroyActivationDescriptor(activation(desc));
  }

  @Override
  public int cudnnGetConvolutionForwardAlgorithm_v7(long handle, long x, long w, long conv, long y, int requested,
      int[] returned, int[] algo, int[] status, long[] memory, int[] mathType) {
    try (cudnnConvolutionFwdAlgoPerf_t perf = new cudnnConvolutionFwdAlgoPerf_t(requested);
        IntPointer count = new IntPointer(1)) {
      int rc = cudnn.cudnnGetConvolutionForwardAlgorithm_v7(dnn(handle), tensor(x), filter(w), convolution(conv),
          tensor(y), requested, count, perf);
      returned[0] = rc == 0 ? count.get() : 0;
      for (int i = 0; i < returned[0]; i++) {
        cudnnConvolutionFwdAlgoPerf_t p = perf.getPointer(i);
        algo[i] = p.algo();
        status[i] = p.status();
        memory[i] = p.memory();
        mathType[i] = p.mathType();
      }
      return rc;
    }
  }

  @Override
  public int cudnnGetConvolutionBackwardDataAlgorithm_v7(long handle, long w, long dy, long conv, long dx,
      int requested, int[] returned, int[] algo, int[] status, long[] memory, int[] mathType) {
    try (cudnnConvolutionBwdDataAlgoPerf_t perf = new cudnnConvolutionBwdDataAlgoPerf_t(requested);
        IntPointer count = new IntPointer(1)) {
      int rc = cudnn.cudnnGetConvolutionBackwardDataAlgorithm_v7(dnn(handle), filter(w), tensor(dy),
          convolution(conv), tensor(dx), requested, count, perf);
      returned[0] = rc == 0 ? count.get() : 0;
      for (int i = 0; i < returned[0]; i++) {
        cudnnConvolutionBwdDataAlgoPerf_t p = perf.getPointer(i);
        algo[i] = p.algo();
        status[i] = p.status();
        memory[i] = p.memory();
        mathType[i] = p.mathType();
      }
      return rc;
    }
  }

  @Override
  public int cudnnGetConvolutionBackwardFilterAlgorithm_v7(long handle, long x, long dy, long conv, long dw,
      int requested, int[] returned, int[] algo, int[] status, long[] memory, int[] mathType) {
    try (cudnnConvolutionBwdFilterAlgoPerf_t perf = new cudnnConvolutionBwdFilterAlgoPerf_t(requested);
        IntPointer count = new IntPointer(1)) {
      int rc = cudnn.cudnnGetConvolutionBackwardFilterAlgorithm_v7(dnn(handle), tensor(x), tensor(dy),
          convolution(conv), filter(dw), requested, count, perf);
      returned[0] = rc == 0 ? count.get() : 0;
      for (int i = 0; i < returned[0]; i++) {
        cudnnConvolutionBwdFilterAlgoPerf_t p = perf.getPointer(i);
        algo[i] = p.algo();
        status[i] = p.status();
        memory[i] = p.memory();
        mathType[i] = p.mathType();
      }
      return rc;
    }
  }

  @Override
  public int cudnnConvolutionForward(long handle, float alphaValue, long xDesc, long x, long wDesc, long w, long conv,
      int algo, long workspace, long workspaceBytes, float betaValue, long yDesc, long y) {
    scale(alphaValue, betaValue);
    return cudnn.cudnnConvolutionForward(dnn(handle), cudnnAlpha, tensor(xDesc), at(x), filter(wDesc), at(w),
        convolution(conv), algo, at(workspace), workspaceBytes, cudnnBeta, tensor(yDesc), at(y));
  }

  @Override
  public int cudnnConvolutionBiasActivationForward(long handle, float alpha1, long xDesc, long x, long wDesc, long w,
      long conv, int algo, long workspace, long workspaceBytes, float alpha2, long zDesc, long z, long biasDesc,
      long bias, long activation, long yDesc, long y) {
    scale(alpha1, alpha2);
    return cudnn.cudnnConvolutionBiasActivationForward(dnn(handle), cudnnAlpha, tensor(xDesc), at(x), filter(wDesc),
        at(w), convolution(conv), algo, at(workspace), workspaceBytes, cudnnBeta, tensor(zDesc), at(z),
        tensor(biasDesc), at(bias), activation(activation), tensor(yDesc), at(y));
  }

  @Override
  public int cudnnConvolutionBackwardData(long handle, float alphaValue, long wDesc, long w, long dyDesc, long dy,
      long conv, int algo, long workspace, long workspaceBytes, float betaValue, long dxDesc, long dx) {
    scale(alphaValue, betaValue);
    return cudnn.cudnnConvolutionBackwardData(dnn(handle), cudnnAlpha, filter(wDesc), at(w), tensor(dyDesc), at(dy),
        convolution(conv), algo, at(workspace), workspaceBytes, cudnnBeta, tensor(dxDesc), at(dx));
  }

  @Override
  public int cudnnConvolutionBackwardFilter(long handle, float alphaValue, long xDesc, long x, long dyDesc, long dy,
      long conv, int algo, long workspace, long workspaceBytes, float betaValue, long dwDesc, long dw) {
    scale(alphaValue, betaValue);
    return cudnn.cudnnConvolutionBackwardFilter(dnn(handle), cudnnAlpha, tensor(xDesc), at(x), tensor(dyDesc), at(dy),
        convolution(conv), algo, at(workspace), workspaceBytes, cudnnBeta, filter(dwDesc), at(dw));
  }

  @Override
  public int cudnnConvolutionBackwardBias(long handle, float alphaValue, long dyDesc, long dy, float betaValue,
      long dbDesc, long db) {
    scale(alphaValue, betaValue);
    return cudnn.cudnnConvolutionBackwardBias(dnn(handle), cudnnAlpha, tensor(dyDesc), at(dy), cudnnBeta,
        tensor(dbDesc), at(db));
  }

  @Override
  public int cudnnAddTensor(long handle, float alphaValue, long aDesc, long a, float betaValue, long cDesc, long c) {
    scale(alphaValue, betaValue);
    return cudnn.cudnnAddTensor(dnn(handle), cudnnAlpha, tensor(aDesc), at(a), cudnnBeta, tensor(cDesc), at(c));
  }

  @Override
  public int cudnnActivationForward(long handle, long activationDesc, float alphaValue, long xDesc, long x,
      float betaValue, long yDesc, long y) {
    scale(alphaValue, betaValue);
    return cudnn.cudnnActivationForward(dnn(handle), activation(activationDesc), cudnnAlpha, tensor(xDesc), at(x),
        cudnnBeta, tensor(yDesc), at(y));
  }

  /** A host int32 or int64 holding {@code value}, as the attribute setters take it. */
  private static Pointer scalar(long value, int bytes) {
    if (bytes == Long.BYTES) return new LongPointer(1).put(0, value);
    if (bytes == Integer.BYTES) return new IntPointer(1).put(0, Math.toIntExact(value));
    throw new IllegalArgumentException("attribute of " + bytes + " bytes");
  }
}
