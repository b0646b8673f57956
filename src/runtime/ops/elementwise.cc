// Elementwise kernels: unary math, binary arithmetic with broadcasting,
// BiasAdd and ClipByValue. Loops are plain and split across OpenMP threads
// in contiguous ranges so the compiler vectorizes them.
#include <cmath>
#include <cstring>
#include <type_traits>

#include "runtime/ops/broadcast.h"
#include "runtime/ops/ops.h"
#include "runtime/ops/parallel.h"
#include "runtime/post_ops.h"

namespace amct::runtime {
namespace {

// ---- unary ----

enum class UnaryOp { kRelu, kRelu6, kSigmoid, kTanh, kRound, kRsqrt, kSqrt, kSquare };

template <UnaryOp op>
void unary_loop(const float* x, float* y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    const float v = x[i];
    if constexpr (op == UnaryOp::kRelu) y[i] = v < 0.0f ? 0.0f : v;  // Eigen cwiseMax(0)
    if constexpr (op == UnaryOp::kRelu6) { const float r = v < 0.0f ? 0.0f : v; y[i] = 6.0f < r ? 6.0f : r; }
    if constexpr (op == UnaryOp::kSigmoid) y[i] = 1.0f / (1.0f + std::exp(-v));
    if constexpr (op == UnaryOp::kTanh) y[i] = std::tanh(v);
    if constexpr (op == UnaryOp::kRound) y[i] = round_half_even(v);
    if constexpr (op == UnaryOp::kRsqrt) y[i] = 1.0f / std::sqrt(v);
    if constexpr (op == UnaryOp::kSqrt) y[i] = std::sqrt(v);
    if constexpr (op == UnaryOp::kSquare) y[i] = v * v;
  }
}

class UnaryKernel : public Kernel {
 public:
  explicit UnaryKernel(UnaryOp op) : op_(op) {}
  Status infer(const Inputs& in, const Outputs& out) const override {
    if (in.size() != 1) return error("expected 1 input, got {}", in.size());
    if (in[0]->dtype != DataType::kFloat) return error("input {} must be float32", describe(*in[0]));
    return set_output(out[0], DataType::kFloat, in[0]->shape);
  }
  int inplace_input(const Inputs&, const Outputs&) const override { return 0; }
  bool per_sample(const Inputs&, const Outputs&) const override { return true; }
  Status compute(const Inputs& in, const Outputs& out) const override {
    const float* x = in[0]->as<float>();
    float* y = out[0]->as<float>();
    parallel_for(in[0]->count, kParallelGrain, [&](int64_t b, int64_t e) { run_range(x + b, y + b, e - b); });
    return Status::ok();
  }

 private:
  void run_range(const float* x, float* y, int64_t n) const {
    switch (op_) {
      case UnaryOp::kRelu: return unary_loop<UnaryOp::kRelu>(x, y, n);
      case UnaryOp::kRelu6: return unary_loop<UnaryOp::kRelu6>(x, y, n);
      case UnaryOp::kSigmoid: return unary_loop<UnaryOp::kSigmoid>(x, y, n);
      case UnaryOp::kTanh: return unary_loop<UnaryOp::kTanh>(x, y, n);
      case UnaryOp::kRound: return unary_loop<UnaryOp::kRound>(x, y, n);
      case UnaryOp::kRsqrt: return unary_loop<UnaryOp::kRsqrt>(x, y, n);
      case UnaryOp::kSqrt: return unary_loop<UnaryOp::kSqrt>(x, y, n);
      case UnaryOp::kSquare: return unary_loop<UnaryOp::kSquare>(x, y, n);
    }
  }
  UnaryOp op_;
};

// ---- binary ----

enum class BinaryOp { kAdd, kSub, kMul, kDiv, kMax, kMin };

template <BinaryOp op, typename T>
inline T apply(T a, T b) {
  if constexpr (std::is_integral_v<T>) {
    // Wrap like TF's two's-complement arithmetic instead of signed-overflow UB.
    using U = std::make_unsigned_t<T>;
    if constexpr (op == BinaryOp::kAdd) return static_cast<T>(static_cast<U>(a) + static_cast<U>(b));
    if constexpr (op == BinaryOp::kSub) return static_cast<T>(static_cast<U>(a) - static_cast<U>(b));
    if constexpr (op == BinaryOp::kMul) return static_cast<T>(static_cast<U>(a) * static_cast<U>(b));
  } else {
    if constexpr (op == BinaryOp::kAdd) return a + b;
    if constexpr (op == BinaryOp::kSub) return a - b;
    if constexpr (op == BinaryOp::kMul) return a * b;
    if constexpr (op == BinaryOp::kDiv) return a / b;
  }
  if constexpr (op == BinaryOp::kMax) return a < b ? b : a;
  if constexpr (op == BinaryOp::kMin) return b < a ? b : a;
  return T{};
}

// Innermost run with the operand strides fixed at compile time, so each case vectorizes.
template <BinaryOp op, typename T>
void binary_run(const T* a, int64_t ia, const T* b, int64_t ib, T* o, int64_t n) {
  if (ia && ib) {
    for (int64_t i = 0; i < n; ++i) o[i] = apply<op>(a[i], b[i]);
  } else if (ia) {
    const T bv = b[0];
    for (int64_t i = 0; i < n; ++i) o[i] = apply<op>(a[i], bv);
  } else if (ib) {
    const T av = a[0];
    for (int64_t i = 0; i < n; ++i) o[i] = apply<op>(av, b[i]);
  } else {
    const T v = apply<op>(a[0], b[0]);
    for (int64_t i = 0; i < n; ++i) o[i] = v;
  }
}

template <BinaryOp op, typename T>
void binary_broadcast(const Broadcast& bc, const T* a, const T* b, T* o) {
  if (bc.rank <= 1) {
    const int64_t n = bc.rank ? bc.dims[0] : 1;
    const int64_t ia = bc.rank ? bc.sa[0] : 0, ib = bc.rank ? bc.sb[0] : 0;
    parallel_for(n, kParallelGrain, [&](int64_t s, int64_t e) {
      binary_run<op>(a + s * ia, ia, b + s * ib, ib, o + s, e - s);
    });
    return;
  }
  const int last = bc.rank - 1;
  const int64_t inner = bc.dims[last];
  int64_t rows = 1;
  for (int i = 0; i < last; ++i) rows *= bc.dims[i];
  const int64_t grain = inner >= kParallelGrain ? 1 : kParallelGrain / inner;
  parallel_for(rows, grain, [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) {
      int64_t rem = r, oa = 0, ob = 0;
      for (int i = last - 1; i >= 0; --i) {
        const int64_t idx = rem % bc.dims[i];
        rem /= bc.dims[i];
        oa += idx * bc.sa[i];
        ob += idx * bc.sb[i];
      }
      binary_run<op>(a + oa, bc.sa[last], b + ob, bc.sb[last], o + r * inner, inner);
    }
  });
}

template <typename T>
void binary_dispatch(BinaryOp op, const Broadcast& bc, const T* a, const T* b, T* o) {
  switch (op) {
    case BinaryOp::kAdd: return binary_broadcast<BinaryOp::kAdd>(bc, a, b, o);
    case BinaryOp::kSub: return binary_broadcast<BinaryOp::kSub>(bc, a, b, o);
    case BinaryOp::kMul: return binary_broadcast<BinaryOp::kMul>(bc, a, b, o);
    case BinaryOp::kDiv: return binary_broadcast<BinaryOp::kDiv>(bc, a, b, o);
    case BinaryOp::kMax: return binary_broadcast<BinaryOp::kMax>(bc, a, b, o);
    case BinaryOp::kMin: return binary_broadcast<BinaryOp::kMin>(bc, a, b, o);
  }
}

class BinaryExec : public Exec {
 public:
  BinaryExec(BinaryOp op, Broadcast bc) : op_(op), bc_(bc) {}
  Status run(const Inputs& in, const Outputs& out) override {
    switch (out[0]->dtype) {
      case DataType::kFloat: binary_dispatch(op_, bc_, in[0]->as<float>(), in[1]->as<float>(), out[0]->as<float>()); break;
      case DataType::kInt32: binary_dispatch(op_, bc_, in[0]->as<int32_t>(), in[1]->as<int32_t>(), out[0]->as<int32_t>()); break;
      case DataType::kInt64: binary_dispatch(op_, bc_, in[0]->as<int64_t>(), in[1]->as<int64_t>(), out[0]->as<int64_t>()); break;
      default: return error("dtype {} not supported", graph::dtype_name(out[0]->dtype));
    }
    return Status::ok();
  }

 private:
  BinaryOp op_;
  Broadcast bc_;
};

class BinaryKernel : public Kernel {
 public:
  explicit BinaryKernel(BinaryOp op) : op_(op) {}
  Status infer(const Inputs& in, const Outputs& out) const override {
    if (in.size() != 2) return error("expected 2 inputs, got {}", in.size());
    const DataType t = in[0]->dtype;
    if (in[1]->dtype != t) return error("operand dtypes differ: {} and {}", describe(*in[0]), describe(*in[1]));
    const bool ok = t == DataType::kFloat || ((t == DataType::kInt32 || t == DataType::kInt64) && op_ != BinaryOp::kDiv);
    if (!ok) return error("dtype {} not supported", graph::dtype_name(t));
    AMCT_ASSIGN_OR_RETURN(graph::Shape shape, broadcast_shape(in[0]->shape, in[1]->shape));
    return set_output(out[0], t, shape);
  }
  bool per_sample(const Inputs& in, const Outputs& out) const override { return known_inputs_shared(in, out); }
  int inplace_input(const Inputs& in, const Outputs& out) const override {
    // Only an operand read element-for-element can be overwritten safely.
    if (in[0]->shape == out[0]->shape) return 0;
    if (in[1]->shape == out[0]->shape) return 1;
    return -1;
  }
  Expected<std::unique_ptr<Exec>> prepare(const Inputs& in, const Outputs& out) override {
    AMCT_ASSIGN_OR_RETURN(Broadcast bc, make_broadcast(in[0]->shape, in[1]->shape, out[0]->shape));
    return std::unique_ptr<Exec>(std::make_unique<BinaryExec>(op_, bc));
  }
  Status compute(const Inputs& in, const Outputs& out) const override {
    AMCT_ASSIGN_OR_RETURN(Broadcast bc, make_broadcast(in[0]->shape, in[1]->shape, out[0]->shape));
    return BinaryExec(op_, bc).run(in, out);
  }

 private:
  BinaryOp op_;
};

// ---- BiasAdd: value [..., C] + bias [C] ----

class BiasAddKernel : public BinaryKernel {
 public:
  BiasAddKernel() : BinaryKernel(BinaryOp::kAdd) {}
  Status infer(const Inputs& in, const Outputs& out) const override {
    if (in.size() != 2) return error("expected 2 inputs, got {}", in.size());
    if (in[0]->rank() < 1 || in[1]->rank() != 1 || in[1]->shape[0] != in[0]->shape.back())
      return error("bias {} does not match the last dim of {}", describe(*in[1]), describe(*in[0]));
    return BinaryKernel::infer(in, out);
  }
  int inplace_input(const Inputs&, const Outputs&) const override { return 0; }
};

// ---- ClipByValue: max(min(t, hi), lo), lo/hi scalars or t's shape ----

template <typename T>
void clip_loop(const T* x, const T* lo, int64_t slo, const T* hi, int64_t shi, T* y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    const T h = hi[i * shi], l = lo[i * slo];
    const T m = h < x[i] ? h : x[i];  // Eigen cwiseMin(hi) then cwiseMax(lo)
    y[i] = m < l ? l : m;
  }
}

class ClipKernel : public Kernel {
 public:
  Status infer(const Inputs& in, const Outputs& out) const override {
    if (in.size() != 3) return error("expected 3 inputs, got {}", in.size());
    const DataType t = in[0]->dtype;
    if (t != DataType::kFloat && t != DataType::kInt32 && t != DataType::kInt64)
      return error("dtype {} not supported", graph::dtype_name(t));
    for (int i = 1; i <= 2; ++i) {
      if (in[static_cast<size_t>(i)]->dtype != t)
        return error("clip bound {} does not match the input dtype", describe(*in[static_cast<size_t>(i)]));
      if (in[static_cast<size_t>(i)]->count != 1 && in[static_cast<size_t>(i)]->shape != in[0]->shape)
        return error("clip bound {} must be a scalar or have the input's shape {}",
                     describe(*in[static_cast<size_t>(i)]), graph::shape_str(in[0]->shape));
    }
    return set_output(out[0], t, in[0]->shape);
  }
  int inplace_input(const Inputs&, const Outputs&) const override { return 0; }
  bool per_sample(const Inputs& in, const Outputs& out) const override { return known_inputs_shared(in, out); }
  Status compute(const Inputs& in, const Outputs& out) const override {
    const int64_t slo = in[1]->count == 1 ? 0 : 1, shi = in[2]->count == 1 ? 0 : 1;
    auto go = [&](auto tag) {
      using T = decltype(tag);
      const T* x = in[0]->as<T>();
      const T* lo = in[1]->as<T>();
      const T* hi = in[2]->as<T>();
      T* y = out[0]->as<T>();
      parallel_for(in[0]->count, kParallelGrain, [&](int64_t b, int64_t e) {
        clip_loop(x + b, lo + b * slo, slo, hi + b * shi, shi, y + b, e - b);
      });
    };
    switch (in[0]->dtype) {
      case DataType::kFloat: go(float{}); break;
      case DataType::kInt32: go(int32_t{}); break;
      default: go(int64_t{}); break;
    }
    return Status::ok();
  }
};

}  // namespace

Expected<std::unique_ptr<Kernel>> make_unary(const graph::Node& node, const KernelOptions&) {
  static const std::pair<const char*, UnaryOp> kOps[] = {
      {"Relu", UnaryOp::kRelu},   {"Relu6", UnaryOp::kRelu6}, {"Sigmoid", UnaryOp::kSigmoid},
      {"Tanh", UnaryOp::kTanh},   {"Round", UnaryOp::kRound}, {"Rsqrt", UnaryOp::kRsqrt},
      {"Sqrt", UnaryOp::kSqrt},   {"Square", UnaryOp::kSquare}};
  for (const auto& [name, op] : kOps)
    if (node.op == name) return std::unique_ptr<Kernel>(std::make_unique<UnaryKernel>(op));
  return error("{}: not a unary op", node.describe());
}

Expected<std::unique_ptr<Kernel>> make_binary(const graph::Node& node, const KernelOptions&) {
  static const std::pair<const char*, BinaryOp> kOps[] = {
      {"Add", BinaryOp::kAdd},     {"AddV2", BinaryOp::kAdd},   {"Sub", BinaryOp::kSub},
      {"Mul", BinaryOp::kMul},     {"RealDiv", BinaryOp::kDiv}, {"Maximum", BinaryOp::kMax},
      {"Minimum", BinaryOp::kMin}};
  for (const auto& [name, op] : kOps)
    if (node.op == name) return std::unique_ptr<Kernel>(std::make_unique<BinaryKernel>(op));
  return error("{}: not a binary op", node.describe());
}

Expected<std::unique_ptr<Kernel>> make_bias_add(const graph::Node& node, const KernelOptions&) {
  const std::string fmt = node.attr_string_or("data_format", "NHWC");
  if (fmt != "NHWC") return error("{}: data_format '{}' is not supported (NHWC only)", node.describe(), fmt);
  return std::unique_ptr<Kernel>(std::make_unique<BiasAddKernel>());
}

Expected<std::unique_ptr<Kernel>> make_clip_by_value(const graph::Node&, const KernelOptions&) {
  return std::unique_ptr<Kernel>(std::make_unique<ClipKernel>());
}

}  // namespace amct::runtime
