#include "workflows/prediction.h"

#include <fmt/format.h>

#include "data/image.h"
#include "runtime/session.h"

namespace amct::workflows {

Expected<Prediction> predict_image(const LoadedModel& model, const std::string& image_path,
                                   data::Preprocess preprocess, int threads) {
  AMCT_ASSIGN_OR_RETURN(data::Image img, data::load_image(image_path));
  graph::Tensor input(graph::DataType::kFloat, {1, model.height, model.width, 3});
  data::preprocess_into(img, preprocess, model.height, model.width, input.data<float>());
  runtime::SessionOptions opts;
  opts.num_threads = threads;
  auto session = runtime::Session::create(model.graph, model.outputs, opts);
  if (!session.ok()) return session.status().with_context(model.path);  // name the model, not just the node
  auto outs_or = (*session)->run({{model.input_name, input}});
  if (!outs_or.ok()) return outs_or.status().with_context(model.path);
  auto& outs = *outs_or;
  const graph::Tensor& scores = outs.at(0);
  if (scores.dtype() != graph::DataType::kFloat || scores.num_elements() == 0)
    return error("{}: output '{}' is not a float score vector", model.path, model.outputs[0]);
  Prediction p;
  const float* s = scores.data<float>();
  p.index = 0;
  for (int64_t i = 1; i < scores.num_elements(); ++i)
    if (s[i] > s[p.index]) p.index = static_cast<int>(i);
  p.prob = s[p.index];
  return p;
}

std::string format_prediction(const Prediction& p) {
  return fmt::format("\tcategory index: {}\n\tcategory prob: {:.3f}\n", p.index, p.prob);
}

}  // namespace amct::workflows
