// amct convert-qat: a QAT graph (FakeQuant nodes) to the deployable form.
#include "commands.h"
#include "workflows/convert_qat.h"
#include "workflows/model_loader.h"

namespace amct::cli {
namespace {

struct ConvertQatArgs {
  std::string model, outputs, save_path, record_file;
};

Status run_convert_qat(const ConvertQatArgs& a) {
  return workflows::convert_qat_model(a.model, workflows::split_outputs(a.outputs), a.save_path, a.record_file)
      .status();
}

}  // namespace

void register_convert_qat(CLI::App& app) {
  auto args = std::make_shared<ConvertQatArgs>();
  CLI::App* cmd = app.add_subcommand("convert-qat", "Deployable quantized model from a QAT graph with FakeQuant nodes");
  cmd->add_option("--model", args->model, "QAT frozen GraphDef .pb")->required();
  cmd->add_option("--outputs", args->outputs, "output node(s), comma separated")->required();
  cmd->add_option("--save-path", args->save_path, "DIR/NAME: writes NAME_quantized.pb and NAME_quant.json")->required();
  cmd->add_option("--record-file", args->record_file, "also write the record derived from the fake-quant ranges");
  cmd->callback([args] { finish("convert_qat_model", run_convert_qat(*args)); });
}

}  // namespace amct::cli
