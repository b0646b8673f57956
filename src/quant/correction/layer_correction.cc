#include "quant/correction/layer_correction.h"

#include <algorithm>
#include <cmath>

#include "quant/correction/adaptive_rounding.h"

namespace amct::quant {

double shrunk_mean(const std::vector<double>& v) {
  const size_t n = v.size();
  if (n == 0) return 0.0;
  double sum = 0.0;
  for (double x : v) sum += x;
  const double mean = sum / static_cast<double>(n);
  if (n == 1 || mean == 0.0) return mean;
  double ss = 0.0;
  for (double x : v) ss += (x - mean) * (x - mean);
  const double se2 = ss / static_cast<double>(n - 1) / static_cast<double>(n);
  return mean * std::max(0.0, 1.0 - se2 / (mean * mean));
}

Expected<LayerCorrection> correct_layer(const PatchStats& stats, const graph::Tensor& weights, WeightLayout layout,
                                        const std::vector<float>& scale_w, const LayerCorrectionOptions& opts) {
  if (weights.dtype() != graph::DataType::kFloat) return error("weights are not float32");
  const graph::Shape& s = weights.shape();
  int64_t cout = 0, taps = 0, per_group = 1;
  switch (layout) {
    case WeightLayout::kConv2D_HWIO:
      if (s.size() != 4) return error("Conv2D filter {} is not 4-D", graph::shape_str(s));
      cout = s[3];
      taps = s[0] * s[1] * s[2];
      per_group = cout;
      break;
    case WeightLayout::kDepthwise_HWCM:
      if (s.size() != 4) return error("depthwise filter {} is not 4-D", graph::shape_str(s));
      cout = s[2] * s[3];
      taps = s[0] * s[1];
      per_group = s[3];
      if (stats.groups() != s[2])
        return error("depthwise filter {} has {} channels, its input {}", graph::shape_str(s), s[2], stats.groups());
      break;
    case WeightLayout::kMatMul_IO:
      if (s.size() != 2) return error("MatMul weights {} are not 2-D", graph::shape_str(s));
      cout = s[1];
      taps = s[0];
      per_group = cout;
      break;
    case WeightLayout::kConv2DBackpropInput_HWOI:
      return error("Conv2DBackpropInput layers are not corrected");
  }
  if (taps != stats.dim())
    return error("filter {} has {} taps per output channel, the input patches {}", graph::shape_str(s), taps,
                 stats.dim());
  if (scale_w.size() != 1 && static_cast<int64_t>(scale_w.size()) != cout)
    return error("{} weight scales for {} output channels", scale_w.size(), cout);

  LayerCorrection out;
  out.weights = opts.adaptive_rounding ? weights.clone() : weights;
  out.bias_shift.assign(static_cast<size_t>(cout), 0.0);
  const float* w = weights.data<float>();
  float* w_out = opts.adaptive_rounding ? out.weights.data<float>() : nullptr;
  std::vector<double> cov;
  std::vector<std::vector<double>> mean_q, mean_f;  // per image, of the current group
  int64_t loaded_group = -1;
  for (int64_t o = 0; o < cout; ++o) {
    const int64_t group = o / per_group;
    if (group != loaded_group) {
      if (opts.adaptive_rounding) {
        cov = stats.covariance(group);
        if (cov.empty()) return error("adaptive rounding needs the input covariance");
      }
      mean_q.clear();
      mean_f.clear();
      if (opts.bias_correction)
        for (int64_t i = 0; i < stats.images(); ++i) {
          if (stats.image_patches(i) <= 0) continue;
          mean_q.push_back(stats.image_mean_quantized(i, group));
          mean_f.push_back(stats.image_mean_float(i, group));
        }
      loaded_group = group;
    }
    const double scale = scale_w.size() == 1 ? scale_w[0] : scale_w[static_cast<size_t>(o)];
    std::vector<double> wo(static_cast<size_t>(taps));
    for (int64_t k = 0; k < taps; ++k) wo[static_cast<size_t>(k)] = w[k * cout + o];
    std::vector<int> q;
    if (opts.adaptive_rounding) {
      q = round_adaptive(wo, scale, cov);
    } else {
      q.resize(static_cast<size_t>(taps));
      for (int64_t k = 0; k < taps; ++k) q[static_cast<size_t>(k)] = quantize_weight(w[k * cout + o], static_cast<float>(scale));
    }
    for (int64_t k = 0; k < taps; ++k) {
      const int qk = q[static_cast<size_t>(k)];
      out.weights_changed += qk != quantize_weight(w[k * cout + o], static_cast<float>(scale));
      if (w_out) w_out[k * cout + o] = static_cast<float>(scale * qk);
    }
    out.weights_total += taps;
    if (!opts.bias_correction) continue;
    std::vector<double> errors;
    for (size_t i = 0; i < mean_q.size(); ++i) {
      const std::vector<double>& mq = mean_q[i];
      const std::vector<double>& mf = mean_f[i];
      double e = 0.0;
      for (int64_t k = 0; k < taps; ++k)
        e += scale * q[static_cast<size_t>(k)] * mq[static_cast<size_t>(k)] - wo[static_cast<size_t>(k)] * mf[static_cast<size_t>(k)];
      errors.push_back(e);
    }
    const double shift = shrunk_mean(errors);
    out.bias_shift[static_cast<size_t>(o)] = shift;
    out.max_abs_shift = std::max(out.max_abs_shift, std::fabs(shift));
  }
  return out;
}

}  // namespace amct::quant
