// `amct auto-calibrate` on the real float MobileNetV1 0.25 and real images
// (a subset, to keep the test short), then its HTML report rendered in
// headless Chromium.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "test_util.h"

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
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

size_t count(const std::string& s, const std::string& what) {
  size_t n = 0;
  for (size_t p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
  return n;
}

std::string chromium() {
  for (const char* c : {"/usr/bin/chromium", "/usr/bin/chromium-browser"})
    if (fs::exists(c)) return c;
  return "";
}

// One run shared by the tests below (it is the expensive part).
const std::pair<std::string, Result>& run_once() {
  static std::pair<std::string, Result> cached;
  if (!cached.first.empty()) return cached;
  const std::string dir = testing::make_temp_dir("autocal_e2e");
  const std::string cmd = fmt::format(
      "cd {} && {} auto-calibrate --model {} --outputs MobilenetV1/Predictions/Reshape_1 --dataset {} "
      "--calib-dir {} --save-dir {}/out/mobilenet_v1 --max-loss 0.5 --limit 192 --strategy predictive "
      "--sensitivity output-kl --no-cache",
      dir, AMCT_CLI_PATH, testing::asset("float_models/mobilenet_v1_0.25_224_float.pb"),
      testing::asset("imagenet_val_1300"), testing::asset("calibration_32"), dir);
  cached = {dir, sh(cmd)};
  return cached;
}

TEST(AutoCalibrateCli, PrintsAmctsLinesAndWritesAmctsFiles) {
  const auto& [dir, r] = run_once();
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("Accuracy of original model is "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Accuracy of global quantized model is "), std::string::npos);
  const std::string out = dir + "/out/";
  const bool saved = r.out.find("Accuracy of saved model is ") != std::string::npos;
  for (const char* f : {"config.json", "record.txt", "accuracy_based_auto_calibration_ranking_information.json",
                        "accuracy_based_auto_calibration_report.html"})
    EXPECT_TRUE(fs::exists(out + f)) << f;
  EXPECT_EQ(fs::exists(out + "mobilenet_v1_quantized.pb"), saved);
  EXPECT_EQ(fs::exists(out + "mobilenet_v1_quant.json"), saved);
  EXPECT_EQ(fs::exists(out + "accuracy_based_auto_calibration_final_config.json"), saved);
  EXPECT_TRUE(fs::exists(dir + "/amct_log/accuracy_based_auto_calibration_record.json"));
  // 28 convolutions and the AvgPool.
  const auto ranking = nlohmann::json::parse(slurp(out + "accuracy_based_auto_calibration_ranking_information.json"));
  EXPECT_EQ(ranking.size(), 29u);
  if (saved) {
    // The saved model meets the bound on the images it was searched on.
    const auto eval = sh(fmt::format("{} eval --model {}mobilenet_v1_quantized.pb --dataset {} --limit 192 "
                                     "--outputs MobilenetV1/Predictions/Reshape_1",
                                     AMCT_CLI_PATH, out, testing::asset("imagenet_val_1300")));
    ASSERT_EQ(eval.code, 0) << eval.out;
    const size_t at = r.out.find("Accuracy of saved model is ");
    const double claimed = std::stod(r.out.substr(at + 27));
    const size_t t = eval.out.find("top-1: ");
    ASSERT_NE(t, std::string::npos);
    EXPECT_NEAR(std::stod(eval.out.substr(t + 7)), claimed, 1e-3);
  }
}

TEST(AutoCalibrateCli, ReportRendersInHeadlessChromium) {
  const std::string browser = chromium();
  if (browser.empty()) GTEST_SKIP() << "chromium is not installed (scripts/setup.sh installs it)";
  const auto& [dir, r] = run_once();
  ASSERT_EQ(r.code, 0) << r.out;
  const std::string report = dir + "/out/accuracy_based_auto_calibration_report.html";
  const std::string flags = "--headless --no-sandbox --disable-gpu --disable-background-networking "
                            "--user-data-dir=" + dir + "/chromium-profile";
  const auto dom = sh(fmt::format("timeout 120 {} {} --dump-dom file://{}", browser, flags, report));
  ASSERT_EQ(dom.code, 0) << dom.out;
  // The parsed page (as the browser built it) holds the three plots.
  EXPECT_EQ(count(dom.out, "<svg "), 3u);
  EXPECT_NE(dom.out.find("id=\"sensitivity-chart\""), std::string::npos);
  EXPECT_NE(dom.out.find("id=\"steps-chart\""), std::string::npos);
  EXPECT_NE(dom.out.find("id=\"rollback-map\""), std::string::npos);
  EXPECT_EQ(count(dom.out, "class=\"layer-bar\""), 29u);
  EXPECT_GE(count(dom.out, "class=\"step\""), 1u);
  const std::string png = dir + "/report.png";
  const auto shot = sh(fmt::format("timeout 120 {} {} --window-size=1100,2200 --screenshot={} file://{}", browser,
                                   flags, png, report));
  ASSERT_EQ(shot.code, 0) << shot.out;
  ASSERT_TRUE(fs::exists(png)) << shot.out;
  EXPECT_GT(fs::file_size(png), 30000u);  // a blank page is a few KB
  std::printf("report screenshot: %s\n", png.c_str());
}

}  // namespace
}  // namespace amct
