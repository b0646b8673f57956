// TensorFlow's FakeQuantWithMinMaxVars arithmetic (fake_quant_ops_functor.h):
// the [min, max] range is nudged so that 0.0 is exactly representable.
#pragma once

namespace amct::quant {

struct NudgedRange {
  float scale = 1.0f;
  int zero_point = 0;     // in [quant_min, quant_max]
  int quant_min = 0;      // 0, or 1 with narrow_range
  int quant_max = 255;    // 2^bits - 1
  float nudged_min = 0.0f;
  float nudged_max = 0.0f;
};

NudgedRange nudge_range(float min, float max, int num_bits, bool narrow_range);
// One value through the fake quantizer.
float fake_quant_value(float x, const NudgedRange& r);

}  // namespace amct::quant
