#include "quant/weights/arq.h"

#include <algorithm>
#include <cfloat>
#include <cmath>

#include "quant/calib/quant_factors.h"

namespace amct::quant {

namespace {

int expected_rank(WeightLayout layout) { return layout == WeightLayout::kMatMul_IO ? 2 : 4; }

// Channel of flat element i for a filter whose channel sits at `dim` of `shape` (row-major).
struct ChannelMap {
  int64_t inner = 1;     // product of dims after the channel dims
  int64_t channels = 1;  // channel count
  int64_t of(int64_t i) const { return (i / inner) % channels; }
};

ChannelMap channel_map(const graph::Shape& s, WeightLayout layout) {
  ChannelMap m;
  switch (layout) {
    case WeightLayout::kConv2D_HWIO: m.channels = s[3]; break;
    case WeightLayout::kDepthwise_HWCM: m.channels = s[2] * s[3]; break;  // in*mult, innermost
    case WeightLayout::kConv2DBackpropInput_HWOI: m.channels = s[2]; m.inner = s[3]; break;
    case WeightLayout::kMatMul_IO: m.channels = s[1]; break;
  }
  return m;
}

// Symmetric int8 on [-127, 127]: scale = max|w| / 127. SPEC B §7 leaves open whether
// AMCT divides by 127 or 128; dividing the dominant extreme by 128 either clamps the
// other extreme by up to a whole step (weights {-1, 1}) or moves the grid off the
// [-127, 127] grid that TFLite/TF PTQ weights already lie on, and both cost real
// accuracy (docs/CALIBRATION.md). The range gained by -128 is one level in 255.
Expected<float> channel_scale(float min_v, float max_v) {
  const float magnitude = std::max(std::fabs(min_v), std::fabs(max_v));
  float scale = magnitude / 127.0f;
  AMCT_RETURN_IF_ERROR(process_scale(scale));
  return scale;
}

}  // namespace

const char* weight_layout_name(WeightLayout layout) {
  switch (layout) {
    case WeightLayout::kConv2D_HWIO: return "Conv2D HWIO";
    case WeightLayout::kDepthwise_HWCM: return "DepthwiseConv2dNative HWCM";
    case WeightLayout::kConv2DBackpropInput_HWOI: return "Conv2DBackpropInput HWOI";
    case WeightLayout::kMatMul_IO: return "MatMul IO";
  }
  return "unknown";
}

int64_t weight_channel_count(const graph::Shape& shape, WeightLayout layout) {
  if (static_cast<int>(shape.size()) != expected_rank(layout)) return -1;
  for (int64_t d : shape)
    if (d < 0) return -1;
  if (layout == WeightLayout::kDepthwise_HWCM) {
    int64_t channels = 0;
    if (__builtin_mul_overflow(shape[2], shape[3], &channels)) return -1;
    return channels;
  }
  return channel_map(shape, layout).channels;
}

namespace {

// Squared error of quantizing `values` with `scale` the way the quantized model does
// (round half to even, [-128, 127]).
double quantization_error(const std::vector<float>& values, float scale) {
  double e = 0.0;
  for (float v : values) {
    const float q = std::min(127.0f, std::max(-128.0f, std::nearbyint(v / scale)));
    const double d = static_cast<double>(q) * scale - v;
    e += d * d;
  }
  return e;
}

// The level search: scale = max|w| / n for n = 127 down to 64 (never clamping; a
// coarser grid), the least squared error wins; ties keep the larger n.
float search_scale(const std::vector<float>& values, float magnitude, float max_abs_scale) {
  float best_scale = max_abs_scale;
  double best = quantization_error(values, max_abs_scale);
  // Errors within float noise (1e-4 of a step per value) count as equal, so an exact grid
  // is found at its largest n rather than wherever rounding noise happens to be least.
  const double noise = static_cast<double>(values.size()) * std::pow(1e-4 * max_abs_scale, 2);
  for (int levels = 126; levels >= 64 && best > noise; --levels) {
    const float scale = magnitude / static_cast<float>(levels);
    const double e = quantization_error(values, scale);
    if (e + noise < best) {
      best = e;
      best_scale = scale;
    }
  }
  return best_scale;
}

}  // namespace

Expected<WeightFactors> arq(const graph::Tensor& weights, WeightLayout layout, bool channel_wise,
                            bool level_search) {
  const char* name = weight_layout_name(layout);
  if (weights.dtype() != graph::DataType::kFloat)
    return error("ARQ: {} weights are {}, expected float", name, graph::dtype_name(weights.dtype()));
  if (weights.rank() != expected_rank(layout))
    return error("ARQ: {} weights have shape {}, expected rank {}", name, graph::shape_str(weights.shape()),
                 expected_rank(layout));
  if (weights.num_elements() == 0)
    return error("ARQ: {} weights of shape {} are empty", name, graph::shape_str(weights.shape()));
  if (channel_wise && layout == WeightLayout::kMatMul_IO)
    return error("ARQ: MatMul weights are quantized per tensor only (channel_wise must be false)");

  const float* w = weights.data<float>();
  const int64_t n = weights.num_elements();
  for (int64_t i = 0; i < n; ++i)
    if (std::isnan(w[i])) return error("ARQ: {} weights contain NaN at element {}", name, i);

  const ChannelMap map = channel_wise ? channel_map(weights.shape(), layout) : ChannelMap{n, 1};
  std::vector<float> mins(static_cast<size_t>(map.channels), FLT_MAX);
  std::vector<float> maxs(static_cast<size_t>(map.channels), -FLT_MAX);
  for (int64_t i = 0; i < n; ++i) {
    const auto c = static_cast<size_t>(map.of(i));
    mins[c] = w[i] < mins[c] ? w[i] : mins[c];
    maxs[c] = w[i] > maxs[c] ? w[i] : maxs[c];
  }
  WeightFactors f;
  f.scale_w.reserve(mins.size());
  for (size_t c = 0; c < mins.size(); ++c) {
    auto scale = channel_scale(mins[c], maxs[c]);
    if (!scale.ok())
      return scale.status().with_context(fmt::format("ARQ: {} weights, channel {} of {}", name, c, mins.size()));
    f.scale_w.push_back(*scale);
  }
  if (!level_search) return f;
  std::vector<std::vector<float>> values(mins.size());
  for (auto& v : values) v.reserve(static_cast<size_t>(n) / mins.size());
  for (int64_t i = 0; i < n; ++i) values[static_cast<size_t>(map.of(i))].push_back(w[i]);
#pragma omp parallel for schedule(dynamic, 8) if (n > 65536)
  for (size_t c = 0; c < values.size(); ++c) {
    const float magnitude = std::max(std::fabs(mins[c]), std::fabs(maxs[c]));
    if (magnitude / 127.0f >= FLT_EPSILON)  // channels whose scale became 1 keep it
      f.scale_w[c] = search_scale(values[c], magnitude, f.scale_w[c]);
  }
  return f;
}

int8_t quantize_weight(float w, float scale) {
  const float q = std::nearbyint(w / scale);  // half to even, like insert_quant_ops
  if (!(q > -128.0f)) return -128;  // also NaN
  if (q > 127.0f) return 127;
  return static_cast<int8_t>(q);
}

}  // namespace amct::quant
