// `amct perf-calibrate` on the real DS-CNN S keyword-spotting graph, cut at
// Reshape_1 (MFCC input [1,49,10,1]) and calibrated on random features:
// every output file, one CSV row per INT8-capable layer, and a final model,
// config and record that agree with the decisions. No timing is asserted.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "formats/record/record.h"
#include "runtime/session.h"
#include "test_util.h"
#include "workflows/perf_calibration/perf_model.h"

namespace amct {
namespace {

namespace fs = std::filesystem;

struct Result {
  int code = -1;
  std::string out;
};

Result sh(const std::string& cmd) {
  Result r;
  FILE* p = ::popen((cmd + " 2>&1").c_str(), "r");
  if (!p) return r;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  const int status = ::pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string perf_cmd(const std::string& dir, const std::string& sampler) {
  return fmt::format("cd {} && {} perf-calibrate --model {} --outputs labels_softmax --calib-random 16 --batch-size 8 "
                     "--sampler-config {} --save-path {}/out/ds_cnn_s",
                     dir, AMCT_CLI_PATH, testing::asset("tf_frozen/kws_ds_cnn/DS_CNN_S.pb"), sampler, dir);
}

TEST(PerfCalibrateDsCnn, WritesConsistentFilesForEveryLayer) {
  const std::string dir = testing::make_temp_dir("perf_dscnn");
  const std::string sampler = dir + "/sampler.cfg";
  std::ofstream(sampler) << "cpu_sampler_config { threads: 1 input_shape: \"Reshape_1:1,49,10,1\" warmup: 1 "
                            "repeats: 3 }\n";
  const Result r = sh(perf_cmd(dir, sampler));
  ASSERT_EQ(r.code, 0) << r.out;
  for (const char* f : {"out/config.json", "out/record.txt", "out/ds_cnn_s_all_layers_quantized.pb",
                        "out/ds_cnn_s_all_layers_quant.json", "out/ds_cnn_s_quantized.pb", "out/ds_cnn_s_quant.json",
                        "out/perf_based_auto_calibration_final_config.json", "amct_log/amct_tensorflow_perf_info.csv"})
    EXPECT_TRUE(fs::exists(dir + "/" + f)) << f;

  // The CSV: the header, then one row per layer with a decision and a reason.
  std::istringstream csv(slurp(dir + "/amct_log/amct_tensorflow_perf_info.csv"));
  std::string line;
  std::getline(csv, line);
  EXPECT_EQ(line, "layer,op,fp32_ms,int8_ms,int8_alone_ms,quantize_ms,boundary_ms,decision,reason");
  std::set<std::string> int8, fp32;
  while (std::getline(csv, line)) {
    const std::string name = line.substr(0, line.find(','));
    const bool is_int8 = line.find(",int8,") != std::string::npos;
    EXPECT_TRUE(is_int8 || line.find(",fp32,") != std::string::npos) << line;
    (is_int8 ? int8 : fp32).insert(name);
  }
  // DS-CNN S: 5 Conv2D, 4 depthwise, the AvgPool and the MatMul.
  EXPECT_EQ(int8.size() + fp32.size(), 11u) << r.out;

  // The final config and record agree with the CSV.
  const auto cfg = nlohmann::json::parse(slurp(dir + "/out/perf_based_auto_calibration_final_config.json"));
  for (const auto& l : int8) EXPECT_EQ(cfg.at(l).at("quant_enable"), true) << l;
  for (const auto& l : fp32) EXPECT_EQ(cfg.at(l).at("quant_enable"), false) << l;
  auto rec = record::read_record(dir + "/out/record.txt");
  ASSERT_TRUE(rec.ok()) << rec.status().message();
  EXPECT_EQ(rec->layers.size(), int8.size());
  for (const auto& [key, lr] : rec->layers) EXPECT_TRUE(int8.count(key)) << key;

  // The final model runs (fed at its Reshape_1 placeholder).
  perf::InputShape in{"Reshape_1", {1, 49, 10, 1}};
  auto m = workflows::perf_calibration::load_perf_model(dir + "/out/ds_cnn_s_quantized.pb", {"labels_softmax"}, in, 2);
  ASSERT_TRUE(m.ok()) << m.status().message();
  auto s = runtime::Session::create(m->graph, m->outputs);
  ASSERT_TRUE(s.ok()) << s.status().message();
  graph::Tensor x(graph::DataType::kFloat, m->input_shape);
  auto out = (*s)->run({{m->input_name, x}});
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(out->front().shape(), (graph::Shape{2, 12}));
  EXPECT_NE(r.out.find("result_ms:"), std::string::npos) << r.out;
}

TEST(PerfCalibrateDsCnn, BadSamplerConfigNamesFileAndField) {
  const std::string dir = testing::make_temp_dir("perf_dscnn_bad");
  const std::string sampler = dir + "/bad.cfg";
  std::ofstream(sampler) << "cpu_sampler_config { input_shape: \"Reshape_1:1,49,10,1\" repeats: 0 }\n";
  const Result r = sh(perf_cmd(dir, sampler));
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.out.find("bad.cfg: field 'repeats'"), std::string::npos) << r.out;
  std::ofstream(sampler) << "cpu_sampler_config { input_shape: \"NoSuchNode:1,49,10,1\" }\n";
  const Result missing = sh(perf_cmd(dir, sampler));
  EXPECT_EQ(missing.code, 1) << missing.out;
  EXPECT_NE(missing.out.find("'NoSuchNode'"), std::string::npos) << missing.out;
}

}  // namespace
}  // namespace amct
