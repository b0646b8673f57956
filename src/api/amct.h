// amct's C++ API, named after AMCT's Python API (SPEC B §2) so that a port of
// an AMCT sample reads the same:
//
//   amct::create_quant_config("outputs/config.json", "model.pb");
//   auto calib = amct::quantize_model("model.pb", {"out"}, "outputs/config.json", "outputs/record.txt");
//   for (int pass = 0; pass < (*calib)->num_passes(); ++pass)
//     for (auto& batch : batches) (*calib)->forward(pass, batch);
//   (*calib)->finish();                               // writes record.txt
//   amct::save_model("model.pb", {"out"}, "outputs/record.txt", "outputs/model");
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "graph/tensor.h"
#include "workflows/save_model.h"

namespace amct {

// AMCT's set_logging_level: "debug" | "info" | "warning" | "error".
bool set_logging_level(const std::string& print_level, const std::string& save_level);

Status create_quant_config(const std::string& config_file, const std::string& pb_model,
                           const std::vector<std::string>& skip_layers = {}, int batch_num = 1,
                           bool activation_offset = true, const std::string& config_defination = "");

// What quantize_model returns: the graph with calibration attached. Feed the
// calibration batches num_passes() times (IFMR streams its statistics in two
// passes so memory stays fixed), then finish() writes the record.
class Calibration {
 public:
  virtual ~Calibration() = default;
  virtual int num_passes() const = 0;
  virtual int batch_num() const = 0;
  // `batch` is [N,H,W,C] for the model's input placeholder.
  virtual Status forward(int pass, const graph::Tensor& batch) = 0;
  virtual Status finish() = 0;
};

Expected<std::unique_ptr<Calibration>> quantize_model(const std::string& pb_model,
                                                      const std::vector<std::string>& outputs,
                                                      const std::string& config_file,
                                                      const std::string& record_file);

Expected<workflows::SaveResult> save_model(const std::string& pb_model, const std::vector<std::string>& outputs,
                                           const std::string& record_file, const std::string& save_path);
Expected<workflows::SaveResult> convert_model(const std::string& pb_model, const std::vector<std::string>& outputs,
                                              const std::string& record_file, const std::string& save_path);
Expected<workflows::SaveResult> convert_qat_model(const std::string& pb_model, const std::vector<std::string>& outputs,
                                                  const std::string& save_path, const std::string& record_file = "");

}  // namespace amct
