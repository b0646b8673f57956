// amct convert: the quantized model from an existing record (convert_model).
#include "commands.h"
#include "workflows/model_loader.h"
#include "workflows/save_model.h"

namespace amct::cli {
namespace {

struct ConvertArgs {
  std::string model, outputs, record, save_path, target = "tf";
};

Status run_convert(const ConvertArgs& a) {
  AMCT_ASSIGN_OR_RETURN(workflows::SaveTarget target, workflows::parse_save_target(a.target));
  return workflows::convert_model(a.model, workflows::split_outputs(a.outputs), a.record, a.save_path, target)
      .status();
}

}  // namespace

void register_convert(CLI::App& app) {
  auto args = std::make_shared<ConvertArgs>();
  CLI::App* cmd = app.add_subcommand("convert", "Quantized model from a float .pb and an existing record.txt");
  cmd->add_option("--model", args->model, "float frozen GraphDef .pb")->required();
  cmd->add_option("--outputs", args->outputs, "output node(s), comma separated")->required();
  cmd->add_option("--record", args->record, "record.txt (AMCT protobuf text)")->required();
  cmd->add_option("--save-path", args->save_path, "DIR/NAME: writes NAME_quantized.pb and NAME_quant.json")->required();
  cmd->add_option("--target", args->target, "tf (standard TF ops) | ascend (AscendQuant/AscendDequant ops)")
      ->capture_default_str();
  cmd->callback([args] { finish("convert_model", run_convert(*args)); });
}

}  // namespace amct::cli
