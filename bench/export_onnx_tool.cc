// amct_export_onnx: writes a frozen GraphDef as ONNX (QDQ for amct's
// quantized layers, docs/ONNX_EXPORT.md) for the ONNX Runtime comparisons.
//   amct_export_onnx IN.pb OUT.onnx OUTPUT_NODE[,OUTPUT_NODE...] [--textbook-qdq]
// --textbook-qdq: plain Q/DQ pairs everywhere (ExportOptions::exact_rounding off).
#include <cstdio>
#include <string>

#include "formats/onnx/onnx_writer.h"
#include "formats/tf/graphdef_reader.h"
#include "workflows/model_loader.h"

int main(int argc, char** argv) {
  const bool textbook = argc == 5 && std::string(argv[4]) == "--textbook-qdq";
  if (argc != 4 && !textbook) {
    std::fprintf(stderr, "usage: %s IN.pb OUT.onnx OUTPUT_NODE[,OUTPUT_NODE...] [--textbook-qdq]\n", argv[0]);
    return 2;
  }
  // The graph as read: the import pipeline would fold the int8 weight chains into float.
  auto g = amct::tf::read_graphdef(argv[1]);
  if (!g.ok()) {
    std::fprintf(stderr, "ERROR: %s\n", g.status().message().c_str());
    return 1;
  }
  amct::onnx_export::ExportOptions opts;
  opts.outputs = amct::workflows::split_outputs(argv[3]);
  opts.exact_rounding = !textbook;
  const amct::Status st = amct::onnx_export::export_onnx(*g, argv[2], opts);
  if (!st.is_ok()) {
    std::fprintf(stderr, "ERROR: %s\n", st.message().c_str());
    return 1;
  }
  std::printf("wrote %s\n", argv[2]);
  return 0;
}
