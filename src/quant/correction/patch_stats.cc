#include "quant/correction/patch_stats.h"

#include <algorithm>

namespace amct::quant {

PatchStats::PatchStats(const PatchGeometry& geometry, bool covariance) : geometry_(geometry), covariance_(covariance) {
  const PatchGeometry& g = geometry_;
  dim_ = g.k_h * g.k_w * (g.depthwise ? 1 : g.in_c);
  const int64_t d = dim_;
  sum_.assign(static_cast<size_t>(groups() * d), 0.0);
  if (covariance_) outer_.assign(static_cast<size_t>(groups() * d * d), 0.0);
}

Status PatchStats::add(const graph::Tensor& quantized, const graph::Tensor& float_input, int64_t first_image) {
  const PatchGeometry& g = geometry_;
  if (quantized.dtype() != graph::DataType::kFloat || float_input.dtype() != graph::DataType::kFloat)
    return error("layer input is not float32");
  if (quantized.shape() != float_input.shape())
    return error("quantized input {} and float input {} differ in shape", graph::shape_str(quantized.shape()),
                 graph::shape_str(float_input.shape()));
  const graph::Shape& s = quantized.shape();
  const bool flat = s.size() == 2;
  if (!(flat || s.size() == 4) || s[0] < 0)
    return error("layer input {} is neither [N,C] nor [N,H,W,C]", graph::shape_str(s));
  const int64_t h = flat ? 1 : s[1], w = flat ? 1 : s[2], c = s.back();
  if (h != g.in_h || w != g.in_w || c != g.in_c)
    return error("layer input {} does not match the layer's geometry {}x{}x{}", graph::shape_str(s), g.in_h, g.in_w,
                 g.in_c);
  if (first_image < 0) return error("negative image index {}", first_image);
  const int64_t per_image = h * w * c;
  for (int64_t b = 0; b < s[0]; ++b)
    add_image(quantized.data<float>() + b * per_image, float_input.data<float>() + b * per_image, first_image + b);
  return Status::ok();
}

void PatchStats::add_image(const float* q, const float* f, int64_t image) {
  const PatchGeometry& g = geometry_;
  const int64_t d = dim_, groups_n = groups();
  if (image >= images()) {
    image_q_.resize(static_cast<size_t>(image + 1));
    image_f_.resize(static_cast<size_t>(image + 1));
    image_count_.resize(static_cast<size_t>(image + 1), 0.0);
  }
  auto& iq = image_q_[static_cast<size_t>(image)];
  auto& ifl = image_f_[static_cast<size_t>(image)];
  iq.resize(static_cast<size_t>(groups_n * d), 0.0);
  ifl.resize(static_cast<size_t>(groups_n * d), 0.0);

  // One output row at a time: its patches, [ow][group][d], for x^ and x. Sums
  // over a row are taken in float (at most a few hundred terms) and then added
  // into the double totals.
  const size_t row_len = static_cast<size_t>(g.out_w * groups_n * d);
  std::vector<float> pq(row_len), pf(row_len), row_sum_q(static_cast<size_t>(groups_n * d)),
      row_sum_f(static_cast<size_t>(groups_n * d));
  std::vector<float> acc(covariance_ ? static_cast<size_t>(d * d) : 0);
  for (int64_t oy = 0; oy < g.out_h; ++oy) {
    for (int64_t ox = 0; ox < g.out_w; ++ox) {
      float* dq = pq.data() + ox * groups_n * d;
      float* df = pf.data() + ox * groups_n * d;
      for (int64_t ky = 0; ky < g.k_h; ++ky) {
        const int64_t y = oy * g.stride_h + ky * g.dilation_h - g.pad_top;
        for (int64_t kx = 0; kx < g.k_w; ++kx) {
          const int64_t x = ox * g.stride_w + kx * g.dilation_w - g.pad_left;
          const bool inside = y >= 0 && y < g.in_h && x >= 0 && x < g.in_w;
          const int64_t tap = ky * g.k_w + kx;
          const int64_t at = (y * g.in_w + x) * g.in_c;
          if (g.depthwise) {
            // Group = channel; element (group, tap).
            for (int64_t ch = 0; ch < g.in_c; ++ch) {
              dq[ch * d + tap] = inside ? q[at + ch] : 0.0f;
              df[ch * d + tap] = inside ? f[at + ch] : 0.0f;
            }
          } else {
            for (int64_t ch = 0; ch < g.in_c; ++ch) {
              dq[tap * g.in_c + ch] = inside ? q[at + ch] : 0.0f;
              df[tap * g.in_c + ch] = inside ? f[at + ch] : 0.0f;
            }
          }
        }
      }
    }
    std::fill(row_sum_q.begin(), row_sum_q.end(), 0.0f);
    std::fill(row_sum_f.begin(), row_sum_f.end(), 0.0f);
    for (int64_t ox = 0; ox < g.out_w; ++ox)
      for (size_t k = 0; k < row_sum_q.size(); ++k) {
        row_sum_q[k] += pq[static_cast<size_t>(ox) * row_sum_q.size() + k];
        row_sum_f[k] += pf[static_cast<size_t>(ox) * row_sum_f.size() + k];
      }
    for (size_t k = 0; k < row_sum_q.size(); ++k) {
      iq[k] += row_sum_q[k];
      ifl[k] += row_sum_f[k];
      sum_[k] += row_sum_q[k];
    }
    if (covariance_) {
      for (int64_t grp = 0; grp < groups_n; ++grp) {
        std::fill(acc.begin(), acc.end(), 0.0f);
        for (int64_t ox = 0; ox < g.out_w; ++ox) {
          const float* v = pq.data() + (ox * groups_n + grp) * d;
          for (int64_t i = 0; i < d; ++i) {
            const float vi = v[i];
            if (vi == 0.0f) continue;  // post-ReLU inputs are often exactly zero
            float* row = acc.data() + i * d;
            for (int64_t j = 0; j < d; ++j) row[j] += vi * v[j];
          }
        }
        double* out = outer_.data() + grp * d * d;
        for (int64_t k = 0; k < d * d; ++k) out[k] += acc[static_cast<size_t>(k)];
      }
    }
  }
  const double positions = static_cast<double>(g.out_h * g.out_w);
  image_count_[static_cast<size_t>(image)] += positions;
  samples_ += positions;
}

std::vector<double> PatchStats::covariance(int64_t group) const {
  if (!covariance_ || samples_ <= 0) return {};
  const int64_t d = dim_;
  std::vector<double> c(static_cast<size_t>(d * d));
  const double* o = outer_.data() + group * d * d;
  const double* s = sum_.data() + group * d;
  for (int64_t i = 0; i < d; ++i)
    for (int64_t j = 0; j < d; ++j)
      c[static_cast<size_t>(i * d + j)] = o[i * d + j] / samples_ - (s[i] / samples_) * (s[j] / samples_);
  return c;
}

double PatchStats::image_patches(int64_t image) const {
  return image >= 0 && image < images() ? image_count_[static_cast<size_t>(image)] : 0.0;
}

namespace {

std::vector<double> group_mean(const std::vector<double>& sums, double count, int64_t group, int64_t d) {
  if (count <= 0) return {};
  std::vector<double> m(sums.begin() + group * d, sums.begin() + (group + 1) * d);
  for (double& v : m) v /= count;
  return m;
}

}  // namespace

std::vector<double> PatchStats::image_mean_quantized(int64_t image, int64_t group) const {
  if (image_patches(image) <= 0) return {};
  return group_mean(image_q_[static_cast<size_t>(image)], image_patches(image), group, dim_);
}

std::vector<double> PatchStats::image_mean_float(int64_t image, int64_t group) const {
  if (image_patches(image) <= 0) return {};
  return group_mean(image_f_[static_cast<size_t>(image)], image_patches(image), group, dim_);
}

}  // namespace amct::quant
