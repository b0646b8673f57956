// amct infer: the top class of one image, printed like AMCT's samples.
#include <cstdio>

#include "commands.h"
#include "data/image.h"
#include "data/preprocess.h"
#include "runtime/session.h"
#include "workflows/model_loader.h"
#include "workflows/prediction.h"

namespace amct::cli {
namespace {

struct InferArgs {
  std::string model, image, outputs, preprocess = "sample";
  int threads = 0;
};

Status run_infer(const InferArgs& a) {
  AMCT_ASSIGN_OR_RETURN(data::Preprocess pp, data::parse_preprocess(a.preprocess));
  AMCT_ASSIGN_OR_RETURN(auto model, workflows::load_model(a.model, workflows::split_outputs(a.outputs)));
  AMCT_ASSIGN_OR_RETURN(auto pred, workflows::predict_image(model, a.image, pp, a.threads));
  std::printf("%s", workflows::format_prediction(pred).c_str());
  return Status::ok();
}

}  // namespace

void register_infer(CLI::App& app) {
  auto args = std::make_shared<InferArgs>();
  CLI::App* cmd = app.add_subcommand("infer", "Top class of one image (AMCT sample printout)");
  cmd->add_option("--model", args->model, "frozen GraphDef .pb")->required();
  cmd->add_option("--image", args->image, "JPEG/PNG/BMP image")->required();
  cmd->add_option("--outputs", args->outputs, "output node(s), comma separated");
  cmd->add_option("--preprocess", args->preprocess, "slim | sample | pil_bilinear")->capture_default_str();
  cmd->add_option("--threads", args->threads, "compute threads (0 = all cores)");
  cmd->callback([args] { finish("infer", run_infer(*args)); });
}

}  // namespace amct::cli
