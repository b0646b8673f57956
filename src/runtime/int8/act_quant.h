// One activation quantizer of amct's quantized model and how the INT8 runtime
// stores its integers. The simulation computes
//   v = clip(round(x * inv_scale), -128 - offset, 127 - offset),  x̂ = v * scale
// (round half to even). The runtime stores v + zero_point():
//   offset 0    -> s8, zero point 0   (v in [-128, 127])
//   otherwise   -> u8, zero point offset + 128 (v + zp in [0, 255]; offset -128,
//                  the ReLU6-fed layers, gives zero point 0)
// so the storage type's saturation is exactly the simulation's clip.
#pragma once

#include <cstdint>

#include "graph/dtype.h"

namespace amct::runtime {

struct ActQuant {
  float scale = 1.0f;      // dequantization factor (the `dequant` Mul)
  float inv_scale = 1.0f;  // quantization factor (the `mul` Mul), as written in the graph
  int offset = 0;          // offset_d, in [-128, 127]

  int lo() const { return -128 - offset; }
  int hi() const { return 127 - offset; }
  graph::DataType storage() const { return offset == 0 ? graph::DataType::kInt8 : graph::DataType::kUInt8; }
  int32_t zero_point() const { return offset == 0 ? 0 : offset + 128; }
  bool operator==(const ActQuant& o) const {
    return scale == o.scale && inv_scale == o.inv_scale && offset == o.offset;
  }
};

}  // namespace amct::runtime
