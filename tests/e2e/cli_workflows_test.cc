// The `amct` command end to end on the real MobileNetV2: eval from both dataset
// forms, calibrate then convert with its own record (identical model),
// convert with AMCT's shipped record, QAT conversion, ONNX export.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <onnx/onnx_pb.h>

#include "core/atomic_write.h"
#include "formats/json/quant_map.h"
#include "test_util.h"

namespace amct {
namespace {

using testing::asset;

struct CliResult {
  int exit_code = -1;
  std::string output;
};

CliResult run_cli(const std::string& args) {
  CliResult r;
  const std::string cmd = std::string(AMCT_CLI_PATH) + " " + args + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return r;
  std::array<char, 4096> buf;
  while (fgets(buf.data(), static_cast<int>(buf.size()), p)) r.output += buf.data();
  const int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

double value_after(const std::string& text, const std::string& key) {
  const auto pos = text.find(key);
  if (pos == std::string::npos) return -1.0;
  return std::stod(text.substr(pos + key.size()));
}

std::vector<int> top1_column(const std::string& predictions_file) {
  std::ifstream in(predictions_file);
  std::vector<int> out;
  std::string name;
  long label;
  int top[5];
  while (in >> name >> label >> top[0] >> top[1] >> top[2] >> top[3] >> top[4]) out.push_back(top[0]);
  return out;
}

double agreement(const std::vector<int>& a, const std::vector<int>& b) {
  if (a.empty() || a.size() != b.size()) return 0.0;
  size_t same = 0;
  for (size_t i = 0; i < a.size(); ++i) same += a[i] == b[i];
  return 100.0 * static_cast<double>(same) / static_cast<double>(a.size());
}

const std::string kFloat = "models/mobilenet_v2_1.0_224_quant_float.pb";
const std::string kOut = "MobilenetV2/Predictions/Reshape_1";

TEST(CliEval, FloatMobileNetV2MatchesOnnxRuntimeFromJpegFolderAndTfRecords) {
  for (const char* ds : {"imagenet_val_1300", "imagenet_val_1300/tfrecord"}) {
    auto r = run_cli("eval --model " + asset(kFloat) + " --outputs " + kOut + " --dataset " + asset(ds));
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NEAR(value_after(r.output, "top-1: "), 79.538, 0.2) << ds;
    EXPECT_NEAR(value_after(r.output, "top-5: "), 93.923, 0.3) << ds;
  }
}

TEST(CliConvert, RecordFromCalibrateGivesTheIdenticalModel) {
  const std::string dir = testing::make_temp_dir("cli_convert");
  auto c = run_cli("calibrate --model " + asset(kFloat) + " --outputs " + kOut + " --calib-dir " +
                   asset("calibration_32") + " --save-path " + dir + "/calib/m");
  ASSERT_EQ(c.exit_code, 0) << c.output;
  EXPECT_NE(c.output.find("INFO - [AMCT]:[save_model]: The model is saved in"), std::string::npos);
  auto v = run_cli("convert --model " + asset(kFloat) + " --outputs " + kOut + " --record " + dir +
                   "/calib/record.txt --save-path " + dir + "/conv/m");
  ASSERT_EQ(v.exit_code, 0) << v.output;
  auto a = read_file(dir + "/calib/m_quantized.pb");
  auto b = read_file(dir + "/conv/m_quantized.pb");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a.value(), b.value()) << "convert with calibrate's record must rebuild the same model";
}

TEST(CliExportOnnx, QuantizedModelBecomesQdqAndFailuresKeepTheOldFile) {
  const std::string dir = testing::make_temp_dir("cli_export_onnx");
  auto c = run_cli("convert --model " + asset(kFloat) + " --outputs " + kOut + " --record " +
                   asset("amct_sample/record_quantized.txt") + " --save-path " + dir + "/m");
  ASSERT_EQ(c.exit_code, 0) << c.output;
  const std::string onnx = dir + "/m.onnx";
  auto e = run_cli("export-onnx --model " + dir + "/m_quantized.pb --outputs " + kOut + " --output " + onnx);
  ASSERT_EQ(e.exit_code, 0) << e.output;
  EXPECT_NE(e.output.find("INFO - [AMCT]:[export_onnx]: The ONNX model is saved in " + onnx), std::string::npos);
  auto bytes = read_file(onnx);
  ASSERT_TRUE(bytes.ok());
  onnx::ModelProto model;
  ASSERT_TRUE(model.ParseFromString(bytes.value()));
  int quantize = 0, dequantize = 0;
  for (const auto& n : model.graph().node()) {
    quantize += n.op_type() == "QuantizeLinear";
    dequantize += n.op_type() == "DequantizeLinear";
  }
  EXPECT_EQ(quantize, 54);  // one per quantized layer
  EXPECT_GE(dequantize, 54 + 53);  // activations and weights (and the int32 biases)

  // Failures name the cause, exit non-zero and leave the earlier file as it was.
  for (const std::string& bad : {"--model " + dir + "/missing.pb --outputs " + kOut,
                                 "--model " + dir + "/m_quantized.pb --outputs NoSuchNode"}) {
    auto r = run_cli("export-onnx " + bad + " --output " + onnx);
    EXPECT_NE(r.exit_code, 0) << bad;
    EXPECT_NE(r.output.find("ERROR - [AMCT]:[export_onnx]:"), std::string::npos) << r.output;
    EXPECT_TRUE(r.output.find("missing.pb") != std::string::npos || r.output.find("NoSuchNode") != std::string::npos)
        << r.output;
    auto again = read_file(onnx);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again.value(), bytes.value());
  }
}

TEST(CliConvert, AmctSampleRecordQuantizesAll54Layers) {
  const std::string dir = testing::make_temp_dir("cli_amct_record");
  auto r = run_cli("convert --model " + asset(kFloat) + " --outputs " + kOut + " --record " +
                   asset("amct_sample/record_quantized.txt") + " --save-path " + dir + "/m");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto map = quantmap::read_quant_map(dir + "/m_quant.json");
  ASSERT_TRUE(map.ok()) << map.status().message();
  EXPECT_EQ(map->layers.size(), 54u);
  EXPECT_TRUE(map->float_layers.empty());
}

TEST(CliConvert, MismatchedRecordIsAnErrorNamingTheKey) {
  const std::string dir = testing::make_temp_dir("cli_bad_record");
  struct Case {
    std::string record, expect;
  };
  const std::vector<Case> cases = {
      {"record { key: \"NoSuchNode\" value { scale_d: 0.1 offset_d: 0 } }", "NoSuchNode"},
      {"record { key: \"MobilenetV2/Conv/Conv2D\" value { scale_d: 0.1 offset_d: 0 scale_w: 0.1 scale_w: 0.2 "
       "offset_w: 0 offset_w: 0 } }",
       "output channels"},
      {"record { key: \"MobilenetV2/Conv/Conv2D\" value { scale_d: -0.1 offset_d: 0 scale_w: 0.1 offset_w: 0 } }",
       "MobilenetV2/Conv/Conv2D"},
      {"record { key: \"MobilenetV2/Conv/Conv2D\" value { scale_d: 0.1 offset_d: 300 scale_w: 0.1 offset_w: 0 } }",
       "offset_d"},
      {"record { key: \"MobilenetV2/Predictions/Softmax\" value { scale_d: 0.1 offset_d: 0 } }", "Softmax"},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    const std::string rec = dir + "/r" + std::to_string(i) + ".txt";
    ASSERT_TRUE(write_file_atomic(rec, cases[i].record).is_ok());
    auto r = run_cli("convert --model " + asset(kFloat) + " --outputs " + kOut + " --record " + rec +
                     " --save-path " + dir + "/m" + std::to_string(i));
    EXPECT_NE(r.exit_code, 0) << cases[i].record;
    EXPECT_NE(r.output.find("ERROR - [AMCT]"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find(cases[i].expect), std::string::npos) << r.output;
    EXPECT_FALSE(std::filesystem::exists(dir + "/m" + std::to_string(i) + "_quantized.pb"));
  }
}

TEST(CliConvertQat, ConvertedModelAgreesWithTheQatGraph) {
  const std::string dir = testing::make_temp_dir("cli_qat");
  const std::string qat = asset("models/mobilenet_v2_1.0_224_quant_qat.pb");
  const std::string out = "MobilenetV2/Predictions/Softmax";
  auto c = run_cli("convert-qat --model " + qat + " --outputs " + out + " --save-path " + dir +
                   "/m --record-file " + dir + "/record.txt");
  ASSERT_EQ(c.exit_code, 0) << c.output;
  ASSERT_TRUE(std::filesystem::exists(dir + "/record.txt"));
  auto q = run_cli("eval --model " + qat + " --outputs " + out + " --dataset " + asset("imagenet_val_1300") +
                   " --predictions " + dir + "/qat.txt");
  ASSERT_EQ(q.exit_code, 0) << q.output;
  auto v = run_cli("eval --model " + dir + "/m_quantized.pb --outputs " + out + " --dataset " +
                   asset("imagenet_val_1300") + " --predictions " + dir + "/conv.txt");
  ASSERT_EQ(v.exit_code, 0) << v.output;
  const double qat_top1 = value_after(q.output, "top-1: ");
  const double conv_top1 = value_after(v.output, "top-1: ");
  const double agree = agreement(top1_column(dir + "/qat.txt"), top1_column(dir + "/conv.txt"));
  std::printf("QAT graph top-1 %.3f, converted %.3f, agreement %.2f %%\n", qat_top1, conv_top1, agree);
  EXPECT_NEAR(conv_top1, qat_top1, 1.0);
  EXPECT_GE(agree, 98.0);
}

TEST(CliErrors, MissingAndCorruptModelsExitNonZeroWithOneLine) {
  const std::string dir = testing::make_temp_dir("cli_errors");
  ASSERT_TRUE(write_file_atomic(dir + "/bad.pb", std::string("\x0a\xff\xff\xff\x0f garbage", 14)).is_ok());
  for (const std::string& model : {dir + "/missing.pb", dir + "/bad.pb"}) {
    auto r = run_cli("infer --model " + model + " --image " + asset("coral/images/grace_hopper.bmp"));
    EXPECT_NE(r.exit_code, 0);
    EXPECT_NE(r.output.find("ERROR - [AMCT]:[infer]: " + model), std::string::npos) << r.output;
  }
}

}  // namespace
}  // namespace amct
