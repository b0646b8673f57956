// Statistics of a layer's input windows ("patches") over the calibration
// images, for the data-driven corrections of a quantized layer
// (layer_correction.h): each output value of a Conv2D / depthwise / MatMul is
// a dot product of one weight vector with one patch, so the output error of a
// weight choice is a quadratic form in the patch statistics.
//
// Per group (the whole layer for Conv2D and MatMul, one input channel for a
// depthwise layer) it keeps, in fixed-size state:
//  - the covariance of the patches of the QUANTIZED input x^ (what the
//    quantized layer really sees), for adaptive rounding;
//  - per calibration image, the mean patch of x^ and of the FLOAT input x (the
//    original model's), for the bias correction and its standard error.
#pragma once

#include <cstdint>
#include <vector>

#include "core/status.h"
#include "graph/tensor.h"

namespace amct::quant {

// Where each output value reads its input; NHWC. MatMul is a 1x1 "conv" on a
// 1x1 image (input [N, C]).
struct PatchGeometry {
  int64_t in_h = 1, in_w = 1, in_c = 1;
  int64_t out_h = 1, out_w = 1;
  int64_t k_h = 1, k_w = 1;
  int64_t stride_h = 1, stride_w = 1;
  int64_t dilation_h = 1, dilation_w = 1;
  int64_t pad_top = 0, pad_left = 0;  // zero padding before the first row / column
  bool depthwise = false;             // one group per input channel, patch = k_h*k_w taps
  int64_t multiplier = 1;             // depthwise outputs per input channel
};

class PatchStats {
 public:
  // `covariance`: also accumulate the x^ patch covariance (d*d per group).
  PatchStats(const PatchGeometry& geometry, bool covariance);

  int64_t groups() const { return geometry_.depthwise ? geometry_.in_c : 1; }
  // Patch length: k_h*k_w (depthwise) or k_h*k_w*in_c, in HWI order, which is
  // the order of the filter's leading dims.
  int64_t dim() const { return dim_; }
  int64_t images() const { return static_cast<int64_t>(image_count_.size()); }
  double samples() const { return samples_; }  // patches per group so far

  // One batch of images: the quantized layer's input and the float model's
  // input for the same images, both [N, in_h, in_w, in_c] (or [N, in_c]).
  // `first_image` numbers the batch's first image among all batches.
  Status add(const graph::Tensor& quantized, const graph::Tensor& float_input, int64_t first_image);

  // Covariance (population) of the x^ patches of `group`, row-major d*d.
  // Empty unless built with covariance.
  std::vector<double> covariance(int64_t group) const;
  // Patches seen per group for image i (0 for an image never added).
  double image_patches(int64_t image) const;
  // Mean x^ / x patch of `group` over image i's output positions (length d;
  // empty for an image never added).
  std::vector<double> image_mean_quantized(int64_t image, int64_t group) const;
  std::vector<double> image_mean_float(int64_t image, int64_t group) const;

 private:
  void add_image(const float* q, const float* f, int64_t image);

  PatchGeometry geometry_;
  bool covariance_ = false;
  int64_t dim_ = 0;
  double samples_ = 0;                  // patches per group so far
  std::vector<double> sum_, outer_;     // per group: d, d*d (x^)
  std::vector<std::vector<double>> image_q_, image_f_;  // per image: groups*d sums
  std::vector<double> image_count_;     // patches per group of each image
};

}  // namespace amct::quant
