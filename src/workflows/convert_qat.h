// convert_qat_model (SPEC B §1.3): a quantization-aware-trained graph with
// FakeQuantWithMinMaxVars(/PerChannel) nodes becomes amct's deployable form.
// Activation factors come from the fake quant feeding each layer (TF's
// nudged range: scale_d = nudged scale, offset_d = zero_point - 128 - quant_min);
// weights are taken through their fake quant and mapped onto symmetric int8
// (quant/qat_weights.h). Every fake-quant node is removed.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "formats/record/record.h"
#include "workflows/save_model.h"

namespace amct::workflows {

struct QatConversion {
  QuantizedModel model;
  record::Record record;
  size_t fake_quant_nodes_removed = 0;
  int exact_weight_channels = 0;
  int total_weight_channels = 0;
};

Expected<QatConversion> build_qat_conversion(const std::string& pb_model, const std::vector<std::string>& outputs,
                                             const std::string& quantized_name);
// Writes <save_path>_quantized.pb, <save_path>_quant.json and, if record_file
// is not empty, the derived record.
Expected<SaveResult> convert_qat_model(const std::string& pb_model, const std::vector<std::string>& outputs,
                                       const std::string& save_path, const std::string& record_file);

}  // namespace amct::workflows
