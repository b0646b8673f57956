// amct eval: top-1/top-5 of a model over a labeled dataset.
#include <cstdio>

#include "commands.h"
#include "evaluation/classification_evaluator.h"
#include "run_mode.h"
#include "runtime/session.h"

namespace amct::cli {
namespace {

struct EvalArgs {
  std::string model, dataset, outputs, predictions, preprocess = "slim", keyword;
  int batch_size = 32, threads = 0;
  long limit = -1;
  bool int8 = false, simulate = false, reference = false;
};

Status run_eval(const EvalArgs& a) {
  AMCT_ASSIGN_OR_RETURN(data::Preprocess pp, data::parse_preprocess(a.preprocess));
  AMCT_ASSIGN_OR_RETURN(ModelToRun to_run, load_model_to_run(a.model, a.outputs, a.simulate));
  const workflows::LoadedModel& model = to_run.model;
  std::printf("mode: %s\n", to_run.mode.c_str());
  AMCT_ASSIGN_OR_RETURN(auto dataset, data::open_dataset(a.dataset, a.keyword));
  runtime::SessionOptions opts;
  opts.num_threads = a.threads;
  opts.reference_kernels = a.reference;
  AMCT_ASSIGN_OR_RETURN(auto session, runtime::Session::create(model.graph, model.outputs, opts));
  evaluation::EvalOptions eo;
  eo.batch_size = a.batch_size;
  eo.limit = a.limit;
  eo.preprocess = pp;
  eo.height = model.height;
  eo.width = model.width;
  auto runner = [&](const graph::Tensor& batch) -> Expected<graph::Tensor> {
    AMCT_ASSIGN_OR_RETURN(auto outs, session->run({{model.input_name, batch}}));
    return outs.at(0);
  };
  AMCT_ASSIGN_OR_RETURN(auto result, evaluation::evaluate_classification(runner, *dataset, eo));
  if (!a.predictions.empty()) AMCT_RETURN_IF_ERROR(evaluation::write_predictions(a.predictions, result));
  std::printf("images: %ld\n", result.count);
  std::printf("top-1: %.3f\n", result.top1());
  std::printf("top-5: %.3f\n", result.top5());
  std::printf("images/s: %.1f\n", result.images_per_second());
  return Status::ok();
}

}  // namespace

void register_eval(CLI::App& app) {
  auto args = std::make_shared<EvalArgs>();
  CLI::App* cmd = app.add_subcommand("eval", "Top-1/top-5 accuracy over a labeled dataset");
  cmd->add_option("--model", args->model, "frozen GraphDef .pb")->required();
  cmd->add_option("--dataset", args->dataset, "image folder with labels.csv, or TFRecord folder/file")->required();
  cmd->add_option("--outputs", args->outputs, "output node, e.g. MobilenetV2/Predictions/Reshape_1");
  cmd->add_option("--batch-size", args->batch_size, "images per batch")->capture_default_str();
  cmd->add_option("--limit", args->limit, "evaluate only the first K images");
  cmd->add_option("--predictions", args->predictions, "write `file label top1..top5` per image");
  cmd->add_option("--preprocess", args->preprocess, "slim | sample | pil_bilinear")->capture_default_str();
  cmd->add_option("--keyword", args->keyword, "only TFRecord files whose name contains this");
  cmd->add_option("--threads", args->threads, "compute threads (0 = all cores)");
  auto* int8 = cmd->add_flag("--int8", args->int8, "run quantized layers with INT8 kernels (the default)");
  cmd->add_flag("--simulate", args->simulate, "run a quantized model as its fp32 fake-quant simulation")->excludes(int8);
  cmd->add_flag("--reference-kernels", args->reference,
                "run float layers on the scalar reference kernels, which accumulate in double (slow: the accuracy oracle "
                "for --simulate)");
  cmd->callback([args] { finish("eval", run_eval(*args)); });
}

}  // namespace amct::cli
