// AMCT's mobilenet_v2_calibration.py on amct's C++ API (SPEC B §1.1):
// float prediction of a test image, create_quant_config, quantize_model,
// one batch of the calibration images, save_model, quantized prediction.
//
//   mobilenet_v2_calibration [--model M] [--calib-dir D] [--image F] [--output-dir O]
#include <cstdio>
#include <cstring>
#include <string>

#include "api/amct.h"
#include "core/log.h"
#include "data/dataset.h"
#include "workflows/model_loader.h"
#include "workflows/prediction.h"

namespace {

struct Paths {
  std::string model = "../shared/assets/models/mobilenet_v2_1.0_224_quant_float.pb";
  std::string calib_dir = "../shared/assets/calibration_32";
  std::string image = "../shared/assets/coral/images/grace_hopper.bmp";
  std::string output_dir = "outputs/calibration";
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
  AMCT_RETURN_IF_ERROR(predict("Origin Model Prediction:", p.model, p.image));

  const std::string config_file = p.output_dir + "/config.json";
  const std::string record_file = p.output_dir + "/record.txt";
  AMCT_RETURN_IF_ERROR(amct::create_quant_config(config_file, p.model, {}, /*batch_num=*/1));
  AMCT_ASSIGN_OR_RETURN(auto calibration, amct::quantize_model(p.model, {kOutput}, config_file, record_file));

  // All calibration images (os.listdir order in AMCT; sorted here) as ONE batch.
  AMCT_ASSIGN_OR_RETURN(auto images, amct::data::open_dataset(p.calib_dir));
  AMCT_ASSIGN_OR_RETURN(auto batch, amct::data::load_batch(*images, 0, images->size(), amct::data::Preprocess::kSample,
                                                          224, 224, nullptr));
  for (int pass = 0; pass < calibration->num_passes(); ++pass) AMCT_RETURN_IF_ERROR(calibration->forward(pass, batch));
  AMCT_RETURN_IF_ERROR(calibration->finish());

  const std::string save_path = p.output_dir + "/mobilenet_v2";
  AMCT_ASSIGN_OR_RETURN(auto saved, amct::save_model(p.model, {kOutput}, record_file, save_path));
  return predict("Quantized Model Prediction:", saved.model_path, p.image);
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
    else {
      std::fprintf(stderr, "usage: %s [--model M] [--calib-dir D] [--image F] [--output-dir O]\n", argv[0]);
      return 2;
    }
  }
  const amct::Status st = run(p);
  if (!st.is_ok()) {
    amct::log::error("mobilenet_v2_calibration", "{}", st.message());
    return 1;
  }
  return 0;
}
