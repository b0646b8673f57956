// amct export-onnx: a quantized (or float) frozen GraphDef as ONNX, amct's
// quantized layers in QDQ form (docs/ONNX_EXPORT.md), for ONNX Runtime.
#include "commands.h"
#include "core/log.h"
#include "formats/onnx/onnx_writer.h"
#include "formats/tf/graphdef_reader.h"
#include "workflows/model_loader.h"

namespace amct::cli {
namespace {

struct ExportArgs {
  std::string model, outputs, output;
  int opset = 13;
  bool textbook = false;
};

Status run_export(const ExportArgs& a) {
  // The graph as read: the import pipeline would fold the int8 weight chains into float.
  AMCT_ASSIGN_OR_RETURN(graph::Graph g, tf::read_graphdef(a.model));
  onnx_export::ExportOptions opts;
  opts.opset = a.opset;
  opts.outputs = workflows::split_outputs(a.outputs);
  opts.exact_rounding = !a.textbook;
  AMCT_RETURN_IF_ERROR(onnx_export::export_onnx(g, a.output, opts));
  log::info("export_onnx", "The ONNX model is saved in {}", a.output);
  return Status::ok();
}

}  // namespace

void register_export_onnx(CLI::App& app) {
  auto args = std::make_shared<ExportArgs>();
  CLI::App* cmd = app.add_subcommand("export-onnx", "ONNX model (QDQ for quantized layers) from a frozen .pb");
  cmd->add_option("--model", args->model, "frozen GraphDef .pb, e.g. NAME_quantized.pb")->required();
  cmd->add_option("--outputs", args->outputs, "output node(s), comma separated")->required();
  cmd->add_option("--output", args->output, "the .onnx file to write (atomically)")->required();
  cmd->add_option("--opset", args->opset, "ONNX opset, 13..17")->capture_default_str();
  cmd->add_flag("--textbook-qdq", args->textbook,
                "plain Q/DQ pairs everywhere, instead of amct's arithmetic where ONNX Runtime computes in float");
  cmd->callback([args] { finish("export_onnx", run_export(*args)); });
}

}  // namespace amct::cli
