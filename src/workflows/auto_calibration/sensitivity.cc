#include "workflows/auto_calibration/sensitivity.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace amct::workflows::auto_calibration {
namespace {

// The row as a probability distribution: kept if it already is one, else softmax.
void to_distribution(const float* row, int64_t n, std::vector<double>* p) {
  p->assign(static_cast<size_t>(n), 0.0);
  double sum = 0.0;
  bool nonneg = true;
  for (int64_t i = 0; i < n; ++i) {
    sum += row[i];
    nonneg = nonneg && row[i] >= 0.0f;
  }
  if (nonneg && std::fabs(sum - 1.0) < 1e-3) {
    for (int64_t i = 0; i < n; ++i) (*p)[static_cast<size_t>(i)] = row[i] / sum;
    return;
  }
  const double mx = *std::max_element(row, row + n);
  double z = 0.0;
  for (int64_t i = 0; i < n; ++i) z += (*p)[static_cast<size_t>(i)] = std::exp(static_cast<double>(row[i]) - mx);
  for (auto& v : *p) v /= z;
}

class CosineSimilarity : public Sensitivity {
 public:
  std::string name() const override { return "cosine"; }
  SensitivityTarget target() const override { return SensitivityTarget::kLayerOutput; }
  double compare(const graph::Tensor& a, const graph::Tensor& b) const override {
    const size_t n = static_cast<size_t>(std::min(a.num_elements(), b.num_elements()));
    return cosine_sensitivity(a.data<float>(), b.data<float>(), n);
  }
};

class OutputKl : public Sensitivity {
 public:
  std::string name() const override { return "output-kl"; }
  SensitivityTarget target() const override { return SensitivityTarget::kNetworkOutput; }
  double compare(const graph::Tensor& a, const graph::Tensor& b) const override {
    return std::exp(-output_kl(a, b).mean_kl);
  }
};

}  // namespace

double cosine_sensitivity(const float* a, const float* b, size_t n) {
  double ab = 0.0, aa = 0.0, bb = 0.0;
  for (size_t i = 0; i < n; ++i) {
    ab += static_cast<double>(a[i]) * b[i];
    aa += static_cast<double>(a[i]) * a[i];
    bb += static_cast<double>(b[i]) * b[i];
  }
  if (aa == 0.0) return 1.0;
  if (bb == 0.0) return 0.0;
  const double cos = std::clamp(ab / std::sqrt(aa * bb), -1.0, 1.0);
  return 0.5 + 0.5 * cos;
}

KlStats output_kl(const graph::Tensor& a, const graph::Tensor& b) {
  KlStats s;
  if (a.rank() == 0 || a.num_elements() != b.num_elements() || a.dim(0) <= 0) return s;
  const int64_t rows = a.dim(0);
  const int64_t cols = a.num_elements() / rows;
  if (cols <= 0) return s;
  std::vector<double> p, q;
  double total = 0.0;
  for (int64_t r = 0; r < rows; ++r) {
    const float* ra = a.data<float>() + r * cols;
    const float* rb = b.data<float>() + r * cols;
    to_distribution(ra, cols, &p);
    to_distribution(rb, cols, &q);
    double kl = 0.0;
    for (size_t i = 0; i < p.size(); ++i)
      if (p[i] > 0.0) kl += p[i] * std::log(p[i] / std::max(q[i], 1e-12));
    total += std::max(kl, 0.0);
    s.top1_flips += (std::max_element(ra, ra + cols) - ra) != (std::max_element(rb, rb + cols) - rb);
  }
  s.rows = static_cast<int>(rows);
  s.mean_kl = total / static_cast<double>(rows);
  return s;
}

Expected<std::unique_ptr<Sensitivity>> make_sensitivity(const std::string& name) {
  if (name == "cosine" || name == "CosineSimilarity") return std::unique_ptr<Sensitivity>(new CosineSimilarity());
  if (name == "output-kl") return std::unique_ptr<Sensitivity>(new OutputKl());
  return error("unknown sensitivity '{}' (cosine, output-kl)", name);
}

}  // namespace amct::workflows::auto_calibration
