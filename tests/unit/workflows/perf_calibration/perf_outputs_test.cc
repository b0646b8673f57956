#include "workflows/perf_calibration/perf_outputs.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sstream>

#include "fake_timer.h"

namespace amct::workflows::perf_calibration {
namespace {

using testing::FakeTimer;

// Splits one CSV line (RFC 4180 quoting).
std::vector<std::string> split_csv(const std::string& line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted && c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
      out.back() += '"';
      ++i;
    } else if (c == '"') {
      quoted = !quoted;
    } else if (c == ',' && !quoted) {
      out.emplace_back();
    } else {
      out.back() += c;
    }
  }
  return out;
}

BatchRollBackResult decided() {
  FakeTimer t({{"net/conv1", "", 1.0, 0.3, 0.3, 0.05}, {"net/slow,1", "", 0.2, 0.25, 0.25, 0.05}});
  auto r = batch_roll_back(t);
  EXPECT_TRUE(r.ok());
  return *r;
}

TEST(CsvField, QuotesOnlyWhenNeeded) {
  EXPECT_EQ(csv_field("a/b"), "a/b");
  EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_field("say \"x\""), "\"say \"\"x\"\"\"");
  EXPECT_EQ(csv_field("two\nlines"), "\"two\nlines\"");
}

TEST(PerfInfoCsv, OneRowPerLayerWithEveryColumn) {
  const auto r = decided();
  std::istringstream in(perf_info_csv(r));
  std::string line;
  std::vector<std::vector<std::string>> rows;
  while (std::getline(in, line)) rows.push_back(split_csv(line));
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0], split_csv(kPerfInfoHeader));
  EXPECT_EQ(rows[0].size(), 9u);
  for (size_t i = 1; i < rows.size(); ++i) ASSERT_EQ(rows[i].size(), 9u) << line;
  EXPECT_EQ(rows[1][0], "net/conv1");
  EXPECT_EQ(rows[1][1], "Conv2D");
  EXPECT_EQ(rows[1][2], "1.0000");
  EXPECT_EQ(rows[1][3], "0.3000");
  EXPECT_EQ(rows[1][7], "int8");
  EXPECT_EQ(rows[2][0], "net/slow,1");
  EXPECT_EQ(rows[2][5], "0.0500");
  EXPECT_EQ(rows[2][6], "0.0500");  // quantize 0.05 + alone 0.25 - int8 0.25
  EXPECT_EQ(rows[2][7], "fp32");
  EXPECT_NE(rows[2][8].find("does not pay"), std::string::npos) << rows[2][8];
}

TEST(PerfFinalConfig, DisablesFallenBackLayersOnly) {
  const auto r = decided();
  const std::string config =
      R"({"version":1,"batch_num":1,"net/conv1":{"quant_enable":true},"net/slow,1":{"quant_enable":true},)"
      R"("net/other":{"quant_enable":false}})";
  auto text = perf_final_config_json(config, "config.json", r);
  ASSERT_TRUE(text.ok()) << text.status().message();
  const auto j = nlohmann::json::parse(*text);
  EXPECT_EQ(j["net/conv1"]["quant_enable"], true);
  EXPECT_EQ(j["net/slow,1"]["quant_enable"], false);
  EXPECT_EQ(j["net/other"]["quant_enable"], false);
  EXPECT_EQ(j["batch_num"], 1);
  auto missing = perf_final_config_json(R"({"version":1})", "config.json", r);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("config.json"), std::string::npos);
  EXPECT_FALSE(perf_final_config_json("not json", "config.json", r).ok());
}

}  // namespace
}  // namespace amct::workflows::perf_calibration
