// One-image prediction as AMCT's samples print it:
//   "\tcategory index: 443\n\tcategory prob: 0.375\n"
#pragma once

#include <string>

#include "core/status.h"
#include "data/preprocess.h"
#include "workflows/model_loader.h"

namespace amct::workflows {

struct Prediction {
  int index = -1;
  float prob = 0.0f;
};

Expected<Prediction> predict_image(const LoadedModel& model, const std::string& image_path,
                                   data::Preprocess preprocess, int threads);
std::string format_prediction(const Prediction& p);

}  // namespace amct::workflows
