#include "api/amct.h"

#include "core/log.h"
#include "formats/tf/graphdef_reader.h"
#include "workflows/calibrate.h"
#include "workflows/convert_qat.h"
#include "workflows/create_quant_config.h"
#include "workflows/model_loader.h"
#include "workflows/quant_correction.h"

namespace amct {

bool set_logging_level(const std::string& print_level, const std::string& save_level) {
  return log::set_logging_level(print_level, save_level);
}

Status create_quant_config(const std::string& config_file, const std::string& pb_model,
                           const std::vector<std::string>& skip_layers, int batch_num, bool activation_offset,
                           const std::string& config_defination) {
  AMCT_ASSIGN_OR_RETURN(graph::Graph g, workflows::read_model_graph(pb_model));
  workflows::QuantConfigOptions o;
  o.skip_layers = skip_layers;
  o.batch_num = batch_num;
  o.activation_offset = activation_offset;
  o.config_defination = config_defination;
  return workflows::create_quant_config(config_file, g, o);
}

namespace {

class CalibrationImpl : public Calibration {
 public:
  CalibrationImpl(std::unique_ptr<workflows::CalibrationSession> s, std::string input, std::string record_file,
                  int batch_num, int64_t images_per_pass)
      : session_(std::move(s)), input_(std::move(input)), record_file_(std::move(record_file)),
        batch_num_(batch_num), images_per_pass_(images_per_pass) {}
  int num_passes() const override { return session_->num_passes(); }
  int batch_num() const override { return batch_num_; }
  Status forward(int pass, const graph::Tensor& batch) override {
    // The streaming calibrators size their statistics from the images per pass.
    if (images_per_pass_ <= 0) images_per_pass_ = batch.dim(0) * batch_num_;
    return session_->feed(pass, input_, batch, images_per_pass_);
  }
  Status finish() override {
    AMCT_ASSIGN_OR_RETURN(record::Record rec, session_->finish());
    AMCT_RETURN_IF_ERROR(record::write_record(record_file_, rec));
    log::info("quantize_model", "The record is saved in {}", record_file_);
    return Status::ok();
  }

 private:
  std::unique_ptr<workflows::CalibrationSession> session_;
  std::string input_;
  std::string record_file_;
  int batch_num_;
  int64_t images_per_pass_;
};

}  // namespace

Expected<std::unique_ptr<Calibration>> quantize_model(const std::string& pb_model,
                                                      const std::vector<std::string>& outputs,
                                                      const std::string& config_file,
                                                      const std::string& record_file) {
  AMCT_ASSIGN_OR_RETURN(auto prep, workflows::prepare_calibration(pb_model, outputs, config_file, 0));
  workflows::warn_corrections_not_applied(prep.config, config_file, "quantize_model");
  std::unique_ptr<Calibration> out = std::make_unique<CalibrationImpl>(
      std::move(prep.session), prep.model.input_name, record_file, prep.config.batch_num, 0);
  return out;
}

Expected<workflows::SaveResult> save_model(const std::string& pb_model, const std::vector<std::string>& outputs,
                                           const std::string& record_file, const std::string& save_path) {
  return workflows::save_model(pb_model, outputs, record_file, save_path);
}

Expected<workflows::SaveResult> convert_model(const std::string& pb_model, const std::vector<std::string>& outputs,
                                              const std::string& record_file, const std::string& save_path) {
  return workflows::convert_model(pb_model, outputs, record_file, save_path);
}

Expected<workflows::SaveResult> convert_qat_model(const std::string& pb_model, const std::vector<std::string>& outputs,
                                                  const std::string& save_path, const std::string& record_file) {
  return workflows::convert_qat_model(pb_model, outputs, save_path, record_file);
}

}  // namespace amct
