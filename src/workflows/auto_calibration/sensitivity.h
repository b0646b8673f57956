// Sensitivity measures (AMCT's SensitivityBase.compare, SPEC B §4): a score
// per layer from the float and the quantized run on the calibration batches;
// lower = more sensitive, 1 = unaffected.
//   cosine     AMCT's CosineSimilarity: 0.5 + 0.5*cos of the layer's own
//              output, float vs. quantized, fed the same float input.
//   output-kl  the network-level effect of quantizing that layer alone:
//              exp(-mean KL(p_float || p_quantized)) over the calibration
//              images, p = the output row as a distribution (softmax applied
//              unless the row already is one). Captures what the layer does
//              downstream, which the local cosine cannot.
#pragma once

#include <memory>
#include <string>

#include "core/status.h"
#include "graph/tensor.h"

namespace amct::workflows::auto_calibration {

enum class SensitivityTarget { kLayerOutput, kNetworkOutput };

class Sensitivity {
 public:
  virtual ~Sensitivity() = default;
  virtual std::string name() const = 0;
  virtual SensitivityTarget target() const = 0;
  // One batch: original vs. quantized tensor of the same shape.
  virtual double compare(const graph::Tensor& original, const graph::Tensor& quantized) const = 0;
};

// 0.5 + 0.5*cos(a, b); an all-zero `a` gives 1 (nothing to lose), an all-zero
// `b` alone gives 0.
double cosine_sensitivity(const float* a, const float* b, size_t n);

struct KlStats {
  double mean_kl = 0.0;  // over rows
  int top1_flips = 0;    // rows whose argmax differs
  int rows = 0;
};
// Rows of [N, C] (or any shape with N = dim 0) as distributions.
KlStats output_kl(const graph::Tensor& original, const graph::Tensor& quantized);

// "cosine" or "output-kl".
Expected<std::unique_ptr<Sensitivity>> make_sensitivity(const std::string& name);

}  // namespace amct::workflows::auto_calibration
