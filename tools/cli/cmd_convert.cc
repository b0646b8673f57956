// amct convert: the quantized model from an existing record (convert_model).
#include "commands.h"
#include "workflows/model_loader.h"
#include "workflows/save_model.h"

namespace amct::cli {
namespace {

struct ConvertArgs {
  std::string model, outputs, record, save_path;
};

Status run_convert(const ConvertArgs& a) {
  return workflows::convert_model(a.model, workflows::split_outputs(a.outputs), a.record, a.save_path).status();
}

}  // namespace

void register_convert(CLI::App& app) {
  auto args = std::make_shared<ConvertArgs>();
  CLI::App* cmd = app.add_subcommand("convert", "Quantized model from a float .pb and an existing record.txt");
  cmd->add_option("--model", args->model, "float frozen GraphDef .pb")->required();
  cmd->add_option("--outputs", args->outputs, "output node(s), comma separated")->required();
  cmd->add_option("--record", args->record, "record.txt (AMCT protobuf text)")->required();
  cmd->add_option("--save-path", args->save_path, "DIR/NAME: writes NAME_quantized.pb and NAME_quant.json")->required();
  cmd->callback([args] { finish("convert_model", run_convert(*args)); });
}

}  // namespace amct::cli
