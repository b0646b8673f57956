// Issue 4: the MobileNetV2 QAT graph converted by `amct convert-qat` agrees with
// an independent runtime, ArmNN (CpuRef), on the original .tflite. Like with
// like: ArmNN got PIL resize((224,224), BILINEAR) of the whole image as uint8
// (reference_results/README.md), which is amct's `pil_bilinear` preprocessing
// (u/128 - 1 is exactly the .tflite's input dequantization). The converted
// model runs as its fp32 fake-quant simulation (`eval --simulate`): this test
// checks the conversion's factors, not the INT8 kernels (which have their own
// e2e tests).
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "hostile/cli_runner.h"
#include "test_util.h"

namespace amct {
namespace {

using testing::asset;

std::string base_name(const std::string& path) {
  const auto slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// ArmNN's top-1 and every class sharing its score: the .tflite outputs a uint8
// softmax, so 20 of the 1300 images have two classes tied at the top and the
// file's first entry among them is arbitrary.
struct Reference {
  int top1 = -1;
  std::set<int> tied;
};

// ArmNN's file: "<file> <idx>:<score> x5", best first.
std::map<std::string, Reference> reference_top1(const std::string& path) {
  std::map<std::string, Reference> out;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream ls(line);
    std::string file, item;
    if (!(ls >> file)) continue;
    Reference r;
    int best = -1;
    while (ls >> item) {
      const int idx = std::stoi(item.substr(0, item.find(':')));
      const int score = std::stoi(item.substr(item.find(':') + 1));
      if (r.top1 < 0) {
        r.top1 = idx;
        best = score;
      }
      if (score == best) r.tied.insert(idx);
    }
    out[base_name(file)] = r;
  }
  return out;
}

struct Prediction {
  int label = -1, top1 = -1;
};

// amct eval --predictions: "<name> <label> <top1> ... <top5>".
std::map<std::string, Prediction> amct_predictions(const std::string& path) {
  std::map<std::string, Prediction> out;
  std::ifstream in(path);
  std::string name;
  Prediction p;
  int rest[4];
  while (in >> name >> p.label >> p.top1 >> rest[0] >> rest[1] >> rest[2] >> rest[3]) out[base_name(name)] = p;
  return out;
}

TEST(QatArmnn, ConvertedQatModelAgreesWithArmnnOnTheTflite) {
  const std::string dir = testing::make_temp_dir("qat_armnn");
  const std::string out = "MobilenetV2/Predictions/Softmax";
  auto c = testing::run_amct("convert-qat --model " + asset("models/mobilenet_v2_1.0_224_quant_qat.pb") +
                             " --outputs " + out + " --save-path " + dir + "/m");
  ASSERT_EQ(c.exit_code, 0) << c.err;
  auto e = testing::run_amct("eval --model " + dir + "/m_quantized.pb --outputs " + out + " --dataset " +
                             asset("imagenet_val_1300") + " --preprocess pil_bilinear --simulate --predictions " + dir +
                             "/pred.txt");
  ASSERT_EQ(e.exit_code, 0) << e.err;

  const auto ref = reference_top1(asset("reference_results/val1300_coral_mobilenet_v2_1.0_224_quant.txt"));
  const auto ours = amct_predictions(dir + "/pred.txt");
  ASSERT_EQ(ref.size(), 1300u);
  ASSERT_EQ(ours.size(), 1300u);
  int same = 0, same_or_tied = 0, ours_right = 0, ref_right = 0;
  for (const auto& [file, p] : ours) {
    auto it = ref.find(file);
    ASSERT_NE(it, ref.end()) << file;
    same += it->second.top1 == p.top1;
    same_or_tied += it->second.tied.count(p.top1) > 0;
    ours_right += p.top1 == p.label;
    ref_right += it->second.top1 == p.label;
  }
  const double strict = 100.0 * same / 1300.0, agreement = 100.0 * same_or_tied / 1300.0;
  const double ours_top1 = 100.0 * ours_right / 1300.0, ref_top1 = 100.0 * ref_right / 1300.0;
  std::printf("convert-qat vs ArmNN: top-1 agreement %.2f %% counting ArmNN's ties (%d/1300), %.2f %% against its "
              "first entry; top-1 amct %.2f %%, ArmNN %.2f %%\n",
              agreement, same_or_tied, strict, ours_top1, ref_top1);
  EXPECT_NEAR(ref_top1, 78.31, 0.01);  // the reference file is the one README.md describes
  EXPECT_GE(agreement, 98.0);
  EXPECT_GE(strict, 97.0);  // two integer runtimes on the same .tflite agree on about 97 %
  EXPECT_NEAR(ours_top1, ref_top1, 1.0);
}

}  // namespace
}  // namespace amct
