// Issue 8: the same inputs give byte-identical outputs at 1 and 2 threads:
// calibrate (config.json, record.txt, NAME_quantized.pb, NAME_quant.json),
// convert with a record, and convert-qat (model, map, derived record). Each run
// happens in its own directory with the same relative save path, so recorded
// paths are equal too.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <string>

#include "hostile/cli_runner.h"
#include "test_util.h"

namespace amct {
namespace {

namespace fs = std::filesystem;
using testing::asset;

std::map<std::string, std::string> files_under(const std::string& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file()) out[fs::relative(e.path(), dir).string()] = testing::slurp(e.path().string());
  return out;
}

// Runs `args` at 1 and at 2 threads (OpenMP and, where given, --threads) and
// compares every file under out/.
void expect_same_bytes(const std::string& tag, const std::string& args, bool threads_flag,
                       const std::vector<std::string>& expected_files) {
  std::map<std::string, std::string> runs[2];
  for (int t = 1; t <= 2; ++t) {
    const std::string dir = testing::make_temp_dir(tag);
    const std::string n = std::to_string(t);
    auto r = testing::run_amct(args + (threads_flag ? " --threads " + n : ""), dir, "OMP_NUM_THREADS=" + n);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    runs[t - 1] = files_under(dir + "/out");
    fs::remove_all(dir);
  }
  for (const auto& f : expected_files) EXPECT_TRUE(runs[0].count(f)) << tag << ": missing " << f;
  ASSERT_EQ(runs[0].size(), runs[1].size());
  for (const auto& [name, bytes] : runs[0]) {
    ASSERT_TRUE(runs[1].count(name)) << name;
    EXPECT_TRUE(bytes == runs[1].at(name)) << tag << ": " << name << " differs between 1 and 2 threads ("
                                           << bytes.size() << " vs " << runs[1].at(name).size() << " bytes)";
  }
}

const std::string kFloat = "models/mobilenet_v2_1.0_224_quant_float.pb";
const std::string kOut = "MobilenetV2/Predictions/Reshape_1";

TEST(Determinism, CalibrateIsByteIdenticalAtOneAndTwoThreads) {
  // 2 batches of 8: activations reach IFMR from more than one batch and the
  // batch is split over the threads.
  expect_same_bytes("det_calibrate",
                    "calibrate --model " + asset(kFloat) + " --outputs " + kOut + " --calib-dir " +
                        asset("calibration_32") + " --batch-size 8 --batch-num 2 --save-path out/m",
                    true, {"config.json", "record.txt", "m_quantized.pb", "m_quant.json"});
}

TEST(Determinism, ConvertIsByteIdenticalAtOneAndTwoThreads) {
  expect_same_bytes("det_convert",
                    "convert --model " + asset(kFloat) + " --outputs " + kOut + " --record " +
                        asset("amct_sample/record_quantized.txt") + " --save-path out/m",
                    false, {"m_quantized.pb", "m_quant.json"});
}

TEST(Determinism, ConvertQatIsByteIdenticalAtOneAndTwoThreads) {
  expect_same_bytes("det_convert_qat",
                    "convert-qat --model " + asset("models/mobilenet_v2_1.0_224_quant_qat.pb") +
                        " --outputs MobilenetV2/Predictions/Softmax --save-path out/m --record-file out/record.txt",
                    false, {"m_quantized.pb", "m_quant.json", "record.txt"});
}

}  // namespace
}  // namespace amct
