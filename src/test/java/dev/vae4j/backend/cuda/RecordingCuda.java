package dev.vae4j.backend.cuda;

import static org.bytedeco.cuda.global.cublas.CUBLASLT_MATMUL_DESC_BIAS_POINTER;
import static org.bytedeco.cuda.global.cublas.CUBLASLT_MATMUL_DESC_EPILOGUE;
import static org.bytedeco.cuda.global.cublas.CUBLASLT_MATMUL_DESC_TRANSA;
import static org.bytedeco.cuda.global.cublas.CUBLASLT_MATMUL_DESC_TRANSB;
import static org.bytedeco.cuda.global.cublas.CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES;
import static org.bytedeco.cuda.global.cublas.CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_A_BYTES;
import static org.bytedeco.cuda.global.cublas.CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_B_BYTES;
import static org.bytedeco.cuda.global.cublas.CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_C_BYTES;
import static org.bytedeco.cuda.global.cublas.CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_D_BYTES;
import static org.bytedeco.cuda.global.cublas.CUBLAS_OP_N;
import static org.bytedeco.cuda.global.cublas.CUBLAS_OP_T;
import static org.bytedeco.cuda.global.cudart.cudaDevAttrComputeCapabilityMajor;
import static org.bytedeco.cuda.global.cudart.cudaDevAttrComputeCapabilityMinor;
import static org.bytedeco.cuda.global.cudart.cudaDevAttrMultiProcessorCount;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyDeviceToDevice;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyDeviceToHost;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyHostToDevice;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32;
import org.bytedeco.javacpp.BytePointer;

/**
 * A {@link CudaApi} with no GPU behind it: it hands out deterministic fake device addresses and
 * handles, and appends one line per call to a transcript, in order. Calls queued while a stream
 * capture is open are indented. Device memory holds nothing: a download reads zeros.
 *
 * <p>Rendering: device pointers as {@code @N+0xOFF} (allocation N, counted from 1 in allocation
 * order, and the byte offset into it), host staging memory as {@code host1+0xOFF}, handles by kind
 * and number ({@code stream1}, {@code desc3}, {@code fn:vae4j_fill}), null as {@code null}; a
 * pointer into nothing known as {@code ?0x...}, so that a stray address shows. Kernel arguments are
 * the bytes the kernel reads, little-endian hex, each prefixed by how it was filled ({@code i}
 * int32, {@code l} int64, {@code f} float, {@code d} double; {@code p} pointers are rendered as
 * above). Uploads show the CRC-32 of the bytes copied, so the transcript also pins the initial
 * weights and the data.
 */
final class RecordingCuda implements CudaApi {
  /** Where the fake device addresses start; allocations are 256-byte aligned, as cudaMalloc's are. */
  static final long DEVICE_BASE = 0x7f00_0000_0000L;

  /** Handles live in their own range so that they never look like device memory. */
  private static final long HANDLE_BASE = 0x5000_0000_0000L;

  static final int MULTIPROCESSORS = 132;
  static final int CUBLAS_VERSION = 130001;

  private record Allocation(int id, long base, long bytes, boolean host, BytePointer memory) {}

  /** One kernel launch: its symbol and how each parameter was filled ({@link KernelArgs#kinds}). */
  record Launch(String symbol, String kinds) {}

  private final List<String> lines = new ArrayList<>();
  private final List<Launch> launches = new ArrayList<>();
  /**
   * Device and host allocations apart: the host ones are real malloc addresses, which could fall in
   * the fake device range, so a host address is only looked up where a host address is passed.
   */
  private final TreeMap<Long, Allocation> allocations = new TreeMap<>();
  private final TreeMap<Long, Allocation> hostAllocations = new TreeMap<>();
  private final Map<Long, String> handles = new HashMap<>();
  private final Map<String, Integer> handleCounts = new HashMap<>();
  private long nextDevice = DEVICE_BASE;
  private long nextHandle = HANDLE_BASE;
  private int deviceIds;
  private int hostIds;
  private boolean capturing;
  /** What {@link #cudnnLoadFailure} answers: null (cuDNN "loaded") unless a test says otherwise. */
  private String cudnnFailure;
  /** cuDNN calls made to fail, by name, with their status. */
  private final Map<String, Integer> cudnnFailures = new HashMap<>();
  /** The workspace bytes the fake heuristics report for forward, backward-data, backward-filter. */
  private long[] cudnnWorkspace = {1L << 20, 2L << 20, 3L << 20};

  /** The transcript so far, one call per line, each line ending in a newline. */
  String transcript() {
    StringBuilder s = new StringBuilder();
    for (String line : lines) s.append(line).append('\n');
    return s.toString();
  }

  /** Makes cuDNN "missing": {@link #cudnnLoadFailure} answers {@code why}. */
  void withoutCudnn(String why) {
    cudnnFailure = why;
  }

  /** Makes every later call of cuDNN function {@code name} return {@code status}. */
  void failCudnn(String name, int status) {
    cudnnFailures.put(name, status);
  }

  /** The workspace the fake heuristics report, per direction (forward, backward-data, backward-filter). */
  void cudnnWorkspace(long forward, long backwardData, long backwardFilter) {
    cudnnWorkspace = new long[] {forward, backwardData, backwardFilter};
  }

  /** How many transcript lines start with {@code call} (after any capture indent). */
  long count(String call) {
    return lines.stream().filter(l -> l.strip().startsWith(call + " ") || l.strip().equals(call)).count();
  }

  /** The kernel launches so far, in order. */
  List<Launch> launches() {
    return List.copyOf(launches);
  }

  /** A comment line ({@code # what}), to mark where the caller's phases begin. */
  void mark(String what) {
    lines.add("# " + what);
  }

  /** Frees the host memory handed out (device memory is only numbers). */
  void releaseHostMemory() {
    for (Allocation a : hostAllocations.values()) a.memory().close();
    hostAllocations.clear();
  }

  private void log(String call) {
    lines.add((capturing ? "  " : "") + call);
  }

  private long handle(String kind) {
    int n = handleCounts.merge(kind, 1, Integer::sum);
    long h = nextHandle;
    nextHandle += 0x100;
    handles.put(h, kind + n);
    return h;
  }

  /** A device pointer or handle as the transcript shows it. */
  String name(long value) {
    if (value == 0) return "null";
    String handle = handles.get(value);
    if (handle != null) return handle;
    return inside(allocations, value, "?0x" + Long.toHexString(value));
  }

  /** A pointer to pinned host memory (a copy's host side) as the transcript shows it. */
  private String hostName(long value) {
    return inside(hostAllocations, value, "?host0x" + Long.toHexString(value));
  }

  private static String inside(TreeMap<Long, Allocation> in, long value, String otherwise) {
    Map.Entry<Long, Allocation> e = in.floorEntry(value);
    if (e != null && value < e.getKey() + Math.max(1, e.getValue().bytes())) {
      Allocation a = e.getValue();
      return (a.host() ? "host" : "@") + a.id() + "+0x" + Long.toHexString(value - a.base());
    }
    return otherwise;
  }

  private static String op(int op) {
    return op == CUBLAS_OP_N ? "N" : op == CUBLAS_OP_T ? "T" : "op" + op;
  }

  /** The low {@code bytes} bytes of {@code v}, little-endian, in hex. */
  private static String hex(long v, int bytes) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < bytes; i++) s.append(String.format(Locale.ROOT, "%02x", (v >>> (8 * i)) & 0xFF));
    return s.toString();
  }

  // ---- versions and devices: one H200-like GPU, CUDA 13.0

  @Override
  public int cudaDriverGetVersion(int[] version) {
    version[0] = 13000;
    log("cudaDriverGetVersion -> " + version[0]);
    return 0;
  }

  @Override
  public int cudaRuntimeGetVersion(int[] version) {
    version[0] = 13000;
    log("cudaRuntimeGetVersion -> " + version[0]);
    return 0;
  }

  @Override
  public int cudaGetDeviceCount(int[] count) {
    count[0] = 1;
    log("cudaGetDeviceCount -> 1");
    return 0;
  }

  @Override
  public int cuDeviceGet(int[] device, int ordinal) {
    device[0] = ordinal;
    log("cuDeviceGet " + ordinal + " -> " + ordinal);
    return 0;
  }

  @Override
  public int cuDeviceGetName(byte[] name, int length, int device) {
    byte[] fake = "recording fake".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    System.arraycopy(fake, 0, name, 0, Math.min(fake.length, length - 1));
    log("cuDeviceGetName length=" + length + " device=" + device);
    return 0;
  }

  @Override
  public int cuDeviceTotalMem(long[] bytes, int device) {
    bytes[0] = 141L << 30;
    log("cuDeviceTotalMem device=" + device + " -> " + bytes[0]);
    return 0;
  }

  // ---- device, context, stream

  @Override
  public int cudaSetDevice(int device) {
    log("cudaSetDevice " + device);
    return 0;
  }

  @Override
  public int cuInit(int flags) {
    log("cuInit " + flags);
    return 0;
  }

  @Override
  public int cuCtxGetCurrent(long[] context) {
    context[0] = handle("ctx");
    log("cuCtxGetCurrent -> " + name(context[0]));
    return 0;
  }

  @Override
  public int cuCtxSetCurrent(long context) {
    log("cuCtxSetCurrent " + name(context));
    return 0;
  }

  @Override
  public int cudaStreamCreateWithFlags(long[] stream, int flags) {
    stream[0] = handle("stream");
    log("cudaStreamCreateWithFlags flags=" + flags + " -> " + name(stream[0]));
    return 0;
  }

  @Override
  public int cudaStreamSynchronize(long stream) {
    log("cudaStreamSynchronize " + name(stream));
    return 0;
  }

  @Override
  public int cudaStreamDestroy(long stream) {
    log("cudaStreamDestroy " + name(stream));
    return 0;
  }

  @Override
  public int cudaDeviceGetAttribute(int[] value, int attribute, int device) {
    value[0] = attribute == cudaDevAttrMultiProcessorCount ? MULTIPROCESSORS
        : attribute == cudaDevAttrComputeCapabilityMajor ? 9 : attribute == cudaDevAttrComputeCapabilityMinor ? 0 : 0;
    log("cudaDeviceGetAttribute attribute=" + attribute + " device=" + device + " -> " + value[0]);
    return 0;
  }

  // ---- memory

  @Override
  public int cudaMalloc(long[] address, long bytes) {
    long base = nextDevice;
    nextDevice = (base + bytes + 255) / 256 * 256;
    allocations.put(base, new Allocation(++deviceIds, base, bytes, false, null));
    address[0] = base;
    log("cudaMalloc " + bytes + " -> " + name(base));
    return 0;
  }

  @Override
  public int cudaFree(long address) {
    log("cudaFree " + name(address));
    return 0;
  }

  @Override
  public int cudaMemsetAsync(long address, int value, long bytes, long stream) {
    log("cudaMemsetAsync " + name(address) + " value=" + value + " bytes=" + bytes + " " + name(stream));
    return 0;
  }

  @Override
  public int cudaMallocHost(long[] address, long bytes) {
    BytePointer memory = new BytePointer(bytes); // real host memory: the backend writes and reads it
    memory.fill(0);
    address[0] = memory.address();
    hostAllocations.put(memory.address(), new Allocation(++hostIds, memory.address(), bytes, true, memory));
    log("cudaMallocHost " + bytes + " -> " + hostName(address[0]));
    return 0;
  }

  @Override
  public int cudaFreeHost(long address) {
    log("cudaFreeHost " + hostName(address));
    return 0; // the memory itself is freed by releaseHostMemory, after the backend is done
  }

  @Override
  public int cudaMemGetInfo(long[] free, long[] total) {
    free[0] = total[0] = 141L << 30;
    log("cudaMemGetInfo");
    return 0;
  }

  @Override
  public int cudaMemcpyAsync(long to, long from, long bytes, int kind, long stream) {
    String what, toName = name(to), fromName = name(from);
    if (kind == cudaMemcpyHostToDevice) {
      fromName = hostName(from);
      byte[] data = new byte[Math.toIntExact(bytes)];
      new BytePointer(new DevicePointer(from)).get(data, 0, data.length);
      CRC32 crc = new CRC32();
      crc.update(data);
      what = "H2D crc32=" + String.format(Locale.ROOT, "%08x", crc.getValue());
    } else if (kind == cudaMemcpyDeviceToHost) {
      new BytePointer(new DevicePointer(to)).position(0).limit(bytes).fill(0); // the fake device holds zeros
      what = "D2H";
      toName = hostName(to);
    } else {
      what = kind == cudaMemcpyDeviceToDevice ? "D2D" : "kind" + kind;
    }
    log("cudaMemcpyAsync " + what + " " + toName + " <- " + fromName + " bytes=" + bytes + " " + name(stream));
    return 0;
  }

  // ---- kernels

  @Override
  public int cuModuleLoadData(long[] module, byte[] image) {
    module[0] = handle("module");
    // Not the image's size or bytes: they depend on the nvcc that built it, not on the backend.
    log("cuModuleLoadData (the kernel fatbin) -> " + name(module[0]));
    return 0;
  }

  @Override
  public int cuModuleGetFunction(long[] function, long module, String symbol) {
    long h = nextHandle;
    nextHandle += 0x100;
    handles.put(h, "fn:" + symbol);
    function[0] = h;
    log("cuModuleGetFunction " + name(module) + " " + symbol);
    return 0;
  }

  @Override
  public int cuModuleUnload(long module) {
    log("cuModuleUnload " + name(module));
    return 0;
  }

  @Override
  public int cuLaunchKernel(long function, int gridX, int gridY, int gridZ, int blockX, int blockY, int blockZ,
      int sharedMemBytes, long stream, KernelArgs args) {
    args.kernelParams(); // what the real launch passes; throws, as there, unless every parameter was set
    long[] values = args.values();
    String kinds = args.kinds();
    launches.add(new Launch(name(function).substring(3), kinds));
    StringBuilder s = new StringBuilder("cuLaunchKernel ").append(name(function).substring(3))
        .append(" grid=").append(gridX).append(',').append(gridY).append(',').append(gridZ)
        .append(" block=").append(blockX).append(',').append(blockY).append(',').append(blockZ)
        .append(" shared=").append(sharedMemBytes).append(' ').append(name(stream)).append(" args");
    for (int i = 0; i < values.length; i++) {
      char kind = kinds.charAt(i);
      s.append(' ');
      switch (kind) {
        case 'p' -> s.append('p').append(name(values[i]));
        case 'i', 'f' -> s.append(kind).append(':').append(hex(values[i], 4));
        default -> s.append(kind).append(':').append(hex(values[i], 8));
      }
    }
    log(s.toString());
    return 0;
  }

  // ---- graphs

  @Override
  public int cudaStreamBeginCapture(long stream, int mode) {
    log("cudaStreamBeginCapture " + name(stream) + " mode=" + mode);
    capturing = true;
    return 0;
  }

  @Override
  public int cudaStreamEndCapture(long stream, long[] graph) {
    capturing = false;
    graph[0] = handle("graph");
    log("cudaStreamEndCapture " + name(stream) + " -> " + name(graph[0]));
    return 0;
  }

  @Override
  public int cudaGraphInstantiate(long[] exec, long graph, long flags) {
    exec[0] = handle("exec");
    log("cudaGraphInstantiate " + name(graph) + " flags=" + flags + " -> " + name(exec[0]));
    return 0;
  }

  @Override
  public int cudaGraphLaunch(long exec, long stream) {
    log("cudaGraphLaunch " + name(exec) + " " + name(stream));
    return 0;
  }

  @Override
  public int cudaGraphExecDestroy(long exec) {
    log("cudaGraphExecDestroy " + name(exec));
    return 0;
  }

  @Override
  public int cudaGraphDestroy(long graph) {
    log("cudaGraphDestroy " + name(graph));
    return 0;
  }

  // ---- cuBLAS

  @Override
  public int cublasCreate(long[] handle) {
    handle[0] = handle("cublas");
    log("cublasCreate -> " + name(handle[0]));
    return 0;
  }

  @Override
  public int cublasSetStream(long handle, long stream) {
    log("cublasSetStream " + name(handle) + " " + name(stream));
    return 0;
  }

  @Override
  public int cublasSetWorkspace(long handle, long workspace, long bytes) {
    log("cublasSetWorkspace " + name(handle) + " " + name(workspace) + " bytes=" + bytes);
    return 0;
  }

  @Override
  public int cublasSetMathMode(long handle, int mode) {
    log("cublasSetMathMode " + name(handle) + " mode=" + mode);
    return 0;
  }

  @Override
  public int cublasGetVersion(long handle, int[] version) {
    version[0] = CUBLAS_VERSION;
    log("cublasGetVersion " + name(handle) + " -> " + version[0]);
    return 0;
  }

  @Override
  public int cublasSgemm(long handle, int transa, int transb, int m, int n, int k, float alpha, long a, int lda,
      long b, int ldb, float beta, long c, int ldc) {
    log("cublasSgemm " + name(handle) + " " + op(transa) + op(transb) + " m=" + m + " n=" + n + " k=" + k
        + " alpha=" + alpha + " A=" + name(a) + " lda=" + lda + " B=" + name(b) + " ldb=" + ldb + " beta=" + beta
        + " C=" + name(c) + " ldc=" + ldc);
    return 0;
  }

  @Override
  public int cublasSgemmStridedBatched(long handle, int transa, int transb, int m, int n, int k, float alpha, long a,
      int lda, long strideA, long b, int ldb, long strideB, float beta, long c, int ldc, long strideC, int batch) {
    log("cublasSgemmStridedBatched " + name(handle) + " " + op(transa) + op(transb) + " m=" + m + " n=" + n + " k=" + k
        + " alpha=" + alpha + " A=" + name(a) + " lda=" + lda + " strideA=" + strideA + " B=" + name(b) + " ldb=" + ldb
        + " strideB=" + strideB + " beta=" + beta + " C=" + name(c) + " ldc=" + ldc + " strideC=" + strideC
        + " batch=" + batch);
    return 0;
  }

  @Override
  public int cublasDestroy(long handle) {
    log("cublasDestroy " + name(handle));
    return 0;
  }

  // ---- cuBLASLt

  @Override
  public int cublasLtCreate(long[] handle) {
    handle[0] = handle("lt");
    log("cublasLtCreate -> " + name(handle[0]));
    return 0;
  }

  @Override
  public int cublasLtDestroy(long handle) {
    log("cublasLtDestroy " + name(handle));
    return 0;
  }

  @Override
  public int cublasLtMatmulDescCreate(long[] desc, int computeType, int scaleType) {
    desc[0] = handle("desc");
    log("cublasLtMatmulDescCreate compute=" + computeType + " scale=" + scaleType + " -> " + name(desc[0]));
    return 0;
  }

  @Override
  public int cublasLtMatmulDescSetAttribute(long desc, int attribute, long value, int bytes) {
    String shown;
    if (attribute == CUBLASLT_MATMUL_DESC_TRANSA) shown = "TRANSA=" + op((int) value);
    else if (attribute == CUBLASLT_MATMUL_DESC_TRANSB) shown = "TRANSB=" + op((int) value);
    else if (attribute == CUBLASLT_MATMUL_DESC_EPILOGUE) shown = "EPILOGUE=" + epilogue((int) value);
    else if (attribute == CUBLASLT_MATMUL_DESC_BIAS_POINTER) shown = "BIAS_POINTER=" + name(value);
    else shown = "attribute" + attribute + "=" + value;
    log("cublasLtMatmulDescSetAttribute " + name(desc) + " " + shown + " (" + bytes + " bytes)");
    return 0;
  }

  private static String epilogue(int code) {
    for (LtEpilogue e : LtEpilogue.values()) {
      if (e.code == code) return e + "(" + code + ")";
    }
    return String.valueOf(code);
  }

  @Override
  public int cublasLtMatmulDescDestroy(long desc) {
    log("cublasLtMatmulDescDestroy " + name(desc));
    return 0;
  }

  @Override
  public int cublasLtMatrixLayoutCreate(long[] layout, int type, long rows, long cols, long ld) {
    layout[0] = handle("layout");
    log("cublasLtMatrixLayoutCreate type=" + type + " rows=" + rows + " cols=" + cols + " ld=" + ld + " -> "
        + name(layout[0]));
    return 0;
  }

  @Override
  public int cublasLtMatrixLayoutDestroy(long layout) {
    log("cublasLtMatrixLayoutDestroy " + name(layout));
    return 0;
  }

  @Override
  public int cublasLtMatmulPreferenceCreate(long[] preference) {
    preference[0] = handle("pref");
    log("cublasLtMatmulPreferenceCreate -> " + name(preference[0]));
    return 0;
  }

  @Override
  public int cublasLtMatmulPreferenceSetAttribute(long preference, int attribute, long value, int bytes) {
    String shown;
    if (attribute == CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES) shown = "MAX_WORKSPACE_BYTES";
    else if (attribute == CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_A_BYTES) shown = "MIN_ALIGNMENT_A_BYTES";
    else if (attribute == CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_B_BYTES) shown = "MIN_ALIGNMENT_B_BYTES";
    else if (attribute == CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_C_BYTES) shown = "MIN_ALIGNMENT_C_BYTES";
    else if (attribute == CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_D_BYTES) shown = "MIN_ALIGNMENT_D_BYTES";
    else shown = "attribute" + attribute;
    log("cublasLtMatmulPreferenceSetAttribute " + name(preference) + " " + shown + "=" + value + " (" + bytes
        + " bytes)");
    return 0;
  }

  @Override
  public int cublasLtMatmulPreferenceDestroy(long preference) {
    log("cublasLtMatmulPreferenceDestroy " + name(preference));
    return 0;
  }

  @Override
  public long newHeuristicResult() {
    return handle("heuristic"); // a handle only: the fake's "algorithm" is the fixed one below
  }

  @Override
  public int heuristicState(long result) {
    return 0;
  }

  @Override
  public void freeHeuristicResult(long result) {
    log("free " + name(result));
  }

  @Override
  public int cublasLtMatmulAlgoGetHeuristic(long handle, long desc, long a, long b, long c, long d, long preference,
      int requested, long result, int[] found) {
    found[0] = 1; // one fixed algorithm for every request: what is recorded is the request
    log("cublasLtMatmulAlgoGetHeuristic " + name(handle) + " " + name(desc) + " A=" + name(a) + " B=" + name(b)
        + " C=" + name(c) + " D=" + name(d) + " " + name(preference) + " requested=" + requested + " -> "
        + name(result) + " found=1");
    return 0;
  }

  @Override
  public int cublasLtMatmul(long handle, long desc, float alpha, long a, long aLayout, long b, long bLayout,
      float beta, long c, long cLayout, long d, long dLayout, long result, long workspace, long workspaceBytes,
      long stream) {
    log("cublasLtMatmul " + name(handle) + " " + name(desc) + " alpha=" + alpha + " A=" + name(a) + "/"
        + name(aLayout) + " B=" + name(b) + "/" + name(bLayout) + " beta=" + beta + " C=" + name(c) + "/"
        + name(cLayout) + " D=" + name(d) + "/" + name(dLayout) + " algo=" + name(result) + " workspace="
        + name(workspace) + " bytes=" + workspaceBytes + " " + name(stream));
    return 0;
  }

  // ---- cuDNN: handles and descriptors by kind, one fixed algorithm per direction

  private int cudnn(String name, String call) {
    log(call);
    return cudnnFailures.getOrDefault(name, 0);
  }

  @Override
  public String cudnnLoadFailure() {
    return cudnnFailure;
  }

  @Override
  public long cudnnGetVersion() {
    log("cudnnGetVersion -> 92500");
    return 92500;
  }

  @Override
  public int cudnnCreate(long[] handle) {
    handle[0] = handle("cudnn");
    return cudnn("cudnnCreate", "cudnnCreate -> " + name(handle[0]));
  }

  @Override
  public int cudnnSetStream(long handle, long stream) {
    return cudnn("cudnnSetStream", "cudnnSetStream " + name(handle) + " " + name(stream));
  }

  @Override
  public int cudnnDestroy(long handle) {
    return cudnn("cudnnDestroy", "cudnnDestroy " + name(handle));
  }

  @Override
  public int cudnnCreateTensorDescriptor(long[] desc) {
    desc[0] = handle("tensor");
    return cudnn("cudnnCreateTensorDescriptor", "cudnnCreateTensorDescriptor -> " + name(desc[0]));
  }

  @Override
  public int cudnnSetTensor4dDescriptor(long desc, int format, int dataType, int n, int c, int h, int w) {
    return cudnn("cudnnSetTensor4dDescriptor", "cudnnSetTensor4dDescriptor " + name(desc) + " format=" + format
        + " type=" + dataType + " " + n + "x" + c + "x" + h + "x" + w);
  }

  @Override
  public int cudnnDestroyTensorDescriptor(long desc) {
    return cudnn("cudnnDestroyTensorDescriptor", "cudnnDestroyTensorDescriptor " + name(desc));
  }

  @Override
  public int cudnnCreateFilterDescriptor(long[] desc) {
    desc[0] = handle("filter");
    return cudnn("cudnnCreateFilterDescriptor", "cudnnCreateFilterDescriptor -> " + name(desc[0]));
  }

  @Override
  public int cudnnSetFilter4dDescriptor(long desc, int dataType, int format, int k, int c, int h, int w) {
    return cudnn("cudnnSetFilter4dDescriptor", "cudnnSetFilter4dDescriptor " + name(desc) + " type=" + dataType
        + " format=" + format + " " + k + "x" + c + "x" + h + "x" + w);
  }

  @Override
  public int cudnnDestroyFilterDescriptor(long desc) {
    return cudnn("cudnnDestroyFilterDescriptor", "cudnnDestroyFilterDescriptor " + name(desc));
  }

  @Override
  public int cudnnCreateConvolutionDescriptor(long[] desc) {
    desc[0] = handle("conv");
    return cudnn("cudnnCreateConvolutionDescriptor", "cudnnCreateConvolutionDescriptor -> " + name(desc[0]));
  }

  @Override
  public int cudnnSetConvolution2dDescriptor(long desc, int padH, int padW, int strideH, int strideW, int dilationH,
      int dilationW, int mode, int computeType) {
    return cudnn("cudnnSetConvolution2dDescriptor", "cudnnSetConvolution2dDescriptor " + name(desc) + " pad=" + padH
        + "," + padW + " stride=" + strideH + "," + strideW + " dilation=" + dilationH + "," + dilationW + " mode="
        + mode + " type=" + computeType);
  }

  @Override
  public int cudnnSetConvolutionMathType(long desc, int mathType) {
    return cudnn("cudnnSetConvolutionMathType", "cudnnSetConvolutionMathType " + name(desc) + " math=" + mathType);
  }

  @Override
  public int cudnnDestroyConvolutionDescriptor(long desc) {
    return cudnn("cudnnDestroyConvolutionDescriptor", "cudnnDestroyConvolutionDescriptor " + name(desc));
  }

  @Override
  public int cudnnCreateActivationDescriptor(long[] desc) {
    desc[0] = handle("activation");
    return cudnn("cudnnCreateActivationDescriptor", "cudnnCreateActivationDescriptor -> " + name(desc[0]));
  }

  @Override
  public int cudnnSetActivationDescriptor(long desc, int mode, int nanPropagation, double coef) {
    return cudnn("cudnnSetActivationDescriptor", "cudnnSetActivationDescriptor " + name(desc) + " mode=" + mode
        + " nan=" + nanPropagation + " coef=" + coef);
  }

  @Override
  public int cudnnDestroyActivationDescriptor(long desc) {
    return cudnn("cudnnDestroyActivationDescriptor", "cudnnDestroyActivationDescriptor " + name(desc));
  }

  /** One ranked algorithm, number 1, FMA math, with this direction's workspace. */
  private int ranking(String name, String call, int direction, int[] returned, int[] algo, int[] status, long[] memory,
      int[] mathType) {
    returned[0] = 1;
    algo[0] = 1;
    status[0] = 0;
    memory[0] = cudnnWorkspace[direction];
    mathType[0] = 3; // CUDNN_FMA_MATH
    return cudnn(name, call + " -> algo 1, " + memory[0] + " bytes");
  }

  @Override
  public int cudnnGetConvolutionForwardAlgorithm_v7(long handle, long x, long w, long conv, long y, int requested,
      int[] returned, int[] algo, int[] status, long[] memory, int[] mathType) {
    return ranking("cudnnGetConvolutionForwardAlgorithm_v7", "cudnnGetConvolutionForwardAlgorithm_v7 " + name(handle)
        + " x=" + name(x) + " w=" + name(w) + " " + name(conv) + " y=" + name(y) + " requested=" + requested, 0,
        returned, algo, status, memory, mathType);
  }

  @Override
  public int cudnnGetConvolutionBackwardDataAlgorithm_v7(long handle, long w, long dy, long conv, long dx,
      int requested, int[] returned, int[] algo, int[] status, long[] memory, int[] mathType) {
    return ranking("cudnnGetConvolutionBackwardDataAlgorithm_v7", "cudnnGetConvolutionBackwardDataAlgorithm_v7 "
        + name(handle) + " w=" + name(w) + " dy=" + name(dy) + " " + name(conv) + " dx=" + name(dx) + " requested="
        + requested, 1, returned, algo, status, memory, mathType);
  }

  @Override
  public int cudnnGetConvolutionBackwardFilterAlgorithm_v7(long handle, long x, long dy, long conv, long dw,
      int requested, int[] returned, int[] algo, int[] status, long[] memory, int[] mathType) {
    return ranking("cudnnGetConvolutionBackwardFilterAlgorithm_v7", "cudnnGetConvolutionBackwardFilterAlgorithm_v7 "
        + name(handle) + " x=" + name(x) + " dy=" + name(dy) + " " + name(conv) + " dw=" + name(dw) + " requested="
        + requested, 2, returned, algo, status, memory, mathType);
  }

  @Override
  public int cudnnConvolutionForward(long handle, float alpha, long xDesc, long x, long wDesc, long w, long conv,
      int algo, long workspace, long workspaceBytes, float beta, long yDesc, long y) {
    return cudnn("cudnnConvolutionForward", "cudnnConvolutionForward " + name(handle) + " alpha=" + alpha + " x="
        + name(xDesc) + "/" + name(x) + " w=" + name(wDesc) + "/" + name(w) + " " + name(conv) + " algo=" + algo
        + " workspace=" + name(workspace) + " bytes=" + workspaceBytes + " beta=" + beta + " y=" + name(yDesc) + "/"
        + name(y));
  }

  @Override
  public int cudnnConvolutionBiasActivationForward(long handle, float alpha1, long xDesc, long x, long wDesc, long w,
      long conv, int algo, long workspace, long workspaceBytes, float alpha2, long zDesc, long z, long biasDesc,
      long bias, long activation, long yDesc, long y) {
    return cudnn("cudnnConvolutionBiasActivationForward", "cudnnConvolutionBiasActivationForward " + name(handle)
        + " alpha1=" + alpha1 + " x=" + name(xDesc) + "/" + name(x) + " w=" + name(wDesc) + "/" + name(w) + " "
        + name(conv) + " algo=" + algo + " workspace=" + name(workspace) + " bytes=" + workspaceBytes + " alpha2="
        + alpha2 + " z=" + name(zDesc) + "/" + name(z) + " bias=" + name(biasDesc) + "/" + name(bias) + " "
        + name(activation) + " y=" + name(yDesc) + "/" + name(y));
  }

  @Override
  public int cudnnConvolutionBackwardData(long handle, float alpha, long wDesc, long w, long dyDesc, long dy,
      long conv, int algo, long workspace, long workspaceBytes, float beta, long dxDesc, long dx) {
    return cudnn("cudnnConvolutionBackwardData", "cudnnConvolutionBackwardData " + name(handle) + " alpha=" + alpha
        + " w=" + name(wDesc) + "/" + name(w) + " dy=" + name(dyDesc) + "/" + name(dy) + " " + name(conv) + " algo="
        + algo + " workspace=" + name(workspace) + " bytes=" + workspaceBytes + " beta=" + beta + " dx="
        + name(dxDesc) + "/" + name(dx));
  }

  @Override
  public int cudnnConvolutionBackwardFilter(long handle, float alpha, long xDesc, long x, long dyDesc, long dy,
      long conv, int algo, long workspace, long workspaceBytes, float beta, long dwDesc, long dw) {
    return cudnn("cudnnConvolutionBackwardFilter", "cudnnConvolutionBackwardFilter " + name(handle) + " alpha="
        + alpha + " x=" + name(xDesc) + "/" + name(x) + " dy=" + name(dyDesc) + "/" + name(dy) + " " + name(conv)
        + " algo=" + algo + " workspace=" + name(workspace) + " bytes=" + workspaceBytes + " beta=" + beta + " dw="
        + name(dwDesc) + "/" + name(dw));
  }

  @Override
  public int cudnnConvolutionBackwardBias(long handle, float alpha, long dyDesc, long dy, float beta, long dbDesc,
      long db) {
    return cudnn("cudnnConvolutionBackwardBias", "cudnnConvolutionBackwardBias " + name(handle) + " alpha=" + alpha
        + " dy=" + name(dyDesc) + "/" + name(dy) + " beta=" + beta + " db=" + name(dbDesc) + "/" + name(db));
  }

  @Override
  public int cudnnAddTensor(long handle, float alpha, long aDesc, long a, float beta, long cDesc, long c) {
    return cudnn("cudnnAddTensor", "cudnnAddTensor " + name(handle) + " alpha=" + alpha + " a=" + name(aDesc) + "/"
        + name(a) + " beta=" + beta + " c=" + name(cDesc) + "/" + name(c));
  }

  @Override
  public int cudnnActivationForward(long handle, long activation, float alpha, long xDesc, long x, float beta,
      long yDesc, long y) {
    return cudnn("cudnnActivationForward", "cudnnActivationForward " + name(handle) + " " + name(activation)
        + " alpha=" + alpha + " x=" + name(xDesc) + "/" + name(x) + " beta=" + beta + " y=" + name(yDesc) + "/"
        + name(y));
  }
}
