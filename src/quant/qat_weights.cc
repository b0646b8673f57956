#include "quant/qat_weights.h"

#include <cmath>
#include <limits>

#include "quant/insert_quant_ops.h"

namespace amct::quant {
namespace {

double symmetric_error(const std::vector<float>& v, float scale) {
  double err = 0.0;
  for (float x : v) {
    const float q = std::min(127.0f, std::max(-128.0f, std::nearbyint(x / scale)));
    const double d = static_cast<double>(x) - static_cast<double>(q) * scale;
    err += d * d;
  }
  return err;
}

}  // namespace

Expected<QatWeightMapping> map_qat_weights(const graph::Tensor& w, WeightLayout layout,
                                           const std::vector<float>& grid_scale) {
  if (w.dtype() != graph::DataType::kFloat) return error("QAT weights must be float32");
  const int64_t channels = weight_channel_count(w.shape(), layout);
  if (channels <= 0) return error("weights {} have no output channels", graph::shape_str(w.shape()));
  if (grid_scale.size() != 1 && static_cast<int64_t>(grid_scale.size()) != channels)
    return error("{} fake-quant scales for {} output channels", grid_scale.size(), channels);
  std::vector<std::vector<float>> per_channel(static_cast<size_t>(channels));
  for (int64_t i = 0; i < w.num_elements(); ++i)
    per_channel[static_cast<size_t>(weight_channel_of(w.shape(), layout, i))].push_back(w.data<float>()[i]);
  QatWeightMapping out;
  out.scale_w.resize(static_cast<size_t>(channels));
  for (int64_t c = 0; c < channels; ++c) {
    const auto& v = per_channel[static_cast<size_t>(c)];
    const float s = grid_scale.size() == 1 ? grid_scale[0] : grid_scale[static_cast<size_t>(c)];
    float max_abs = 0.0f;
    for (float x : v) max_abs = std::max(max_abs, std::fabs(x));
    bool exact = s > 0.0f;
    for (float x : v) {
      if (!exact) break;
      const float m = std::nearbyint(x / s);
      exact = m >= -128.0f && m <= 127.0f && std::fabs(m * s - x) <= 1e-6f * std::max(1.0f, std::fabs(x));
    }
    if (exact) {
      out.scale_w[static_cast<size_t>(c)] = s;
      ++out.exact_channels;
      continue;
    }
    if (max_abs == 0.0f) {
      out.scale_w[static_cast<size_t>(c)] = 1.0f;
      ++out.exact_channels;
      continue;
    }
    float best = s > 0.0f ? s : max_abs / 127.0f;
    double best_err = symmetric_error(v, best);
    for (int r = 50; r <= 100; ++r) {
      const float cand = max_abs / 127.0f * static_cast<float>(r) / 100.0f;
      const double e = symmetric_error(v, cand);
      if (e < best_err) {
        best_err = e;
        best = cand;
      }
    }
    out.scale_w[static_cast<size_t>(c)] = best;
  }
  return out;
}

}  // namespace amct::quant
