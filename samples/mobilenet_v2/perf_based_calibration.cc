// AMCT's mobilenet_v2_perf_based_auto_calibration.py on amct's C++ API (SPEC
// B §1.5), measured on this CPU with amct's INT8 runtime instead of a board:
// (1) the 1.1 calibration flow with save prefix mobilenet_v2_all_layers;
// (2) perf_based_auto_calibration with the sampler config; (3) prediction of
// the test image with the original and the final model.
//
// AMCT skips (1) when mobilenet_v2_all_layers_quantized.pb exists; amct always
// runs it, because (2) rewrites record.txt with the final layers only.
//
//   perf_based_calibration [--model M] [--calib-dir D] [--image F] [--output-dir O] [--sampler_config_file S]
#include <cstdio>
#include <string>

#include "api/amct.h"
#include "core/log.h"
#include "data/dataset.h"
#include "workflows/model_loader.h"
#include "workflows/perf_calibration/perf_calibration.h"
#include "workflows/prediction.h"

namespace {

struct Paths {
  std::string model = "../shared/assets/models/mobilenet_v2_1.0_224_quant_float.pb";
  std::string calib_dir = "../shared/assets/calibration_32";
  std::string image = "../shared/assets/coral/images/grace_hopper.bmp";
  std::string output_dir = "outputs/perf_based_auto_calibration";
  std::string sampler = "samples/mobilenet_v2/perf_based_calibration_sampler.cfg";
};

const char kOutput[] = "MobilenetV2/Predictions/Reshape_1";

amct::Status predict(const std::string& title, const std::string& model_path, const std::string& image) {
  AMCT_ASSIGN_OR_RETURN(auto model, amct::workflows::load_model(model_path, {kOutput}));
  AMCT_ASSIGN_OR_RETURN(auto p, amct::workflows::predict_image(model, image, amct::data::Preprocess::kSample, 0));
  std::printf("%s\n%s", title.c_str(), amct::workflows::format_prediction(p).c_str());
  return amct::Status::ok();
}

amct::Status run(const Paths& p) {
  amct::set_logging_level("info", "info");
  const std::string config_file = p.output_dir + "/config.json";
  const std::string record_file = p.output_dir + "/record.txt";

  // (1) Every layer quantized (mobilenet_v2_calibration with another prefix).
  AMCT_RETURN_IF_ERROR(amct::create_quant_config(config_file, p.model, {}, /*batch_num=*/1));
  AMCT_ASSIGN_OR_RETURN(auto calibration, amct::quantize_model(p.model, {kOutput}, config_file, record_file));
  AMCT_ASSIGN_OR_RETURN(auto images, amct::data::open_dataset(p.calib_dir));
  AMCT_ASSIGN_OR_RETURN(auto batch, amct::data::load_batch(*images, 0, images->size(), amct::data::Preprocess::kSample,
                                                          224, 224, nullptr));
  for (int pass = 0; pass < calibration->num_passes(); ++pass) AMCT_RETURN_IF_ERROR(calibration->forward(pass, batch));
  AMCT_RETURN_IF_ERROR(calibration->finish());
  AMCT_RETURN_IF_ERROR(
      amct::save_model(p.model, {kOutput}, record_file, p.output_dir + "/mobilenet_v2_all_layers").status());

  // (2) Layers where INT8 does not pay on this CPU go back to float.
  amct::workflows::perf_calibration::PerfCalibrationOptions o;
  o.model_file = p.model;
  o.outputs = {kOutput};
  o.record_file = record_file;
  o.config_file = config_file;
  o.sampler_config_file = p.sampler;
  o.save_dir = p.output_dir + "/mobilenet_v2";
  AMCT_ASSIGN_OR_RETURN(auto res, amct::workflows::perf_calibration::perf_based_auto_calibration(o));

  // (3) Both predictions.
  AMCT_RETURN_IF_ERROR(predict("Origin Model Prediction:", p.model, p.image));
  return predict("Quantized Model Prediction:", res.model_path, p.image);
}

}  // namespace

int main(int argc, char** argv) {
  Paths p;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--model") p.model = argv[i + 1];
    else if (flag == "--calib-dir") p.calib_dir = argv[i + 1];
    else if (flag == "--image") p.image = argv[i + 1];
    else if (flag == "--output-dir") p.output_dir = argv[i + 1];
    else if (flag == "--sampler_config_file") p.sampler = argv[i + 1];
    else {
      std::fprintf(stderr,
                   "usage: %s [--model M] [--calib-dir D] [--image F] [--output-dir O] [--sampler_config_file S]\n",
                   argv[0]);
      return 2;
    }
  }
  if (argc % 2 == 0) {
    std::fprintf(stderr, "%s: option '%s' needs a value\n", argv[0], argv[argc - 1]);
    return 2;
  }
  const amct::Status st = run(p);
  if (!st.is_ok()) {
    amct::log::error("perf_based_calibration", "{}", st.message());
    return 1;
  }
  return 0;
}
