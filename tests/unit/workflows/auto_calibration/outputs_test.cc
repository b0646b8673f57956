#include "workflows/auto_calibration/outputs.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace amct::workflows::auto_calibration {
namespace {

TEST(Outputs, RankingIsSortedPairsIndentFour) {
  const RankingInfo r = {{"conv_b", 0.99}, {"conv_a", 0.5}, {"pool", 1.0}};
  EXPECT_EQ(ranking_json(r),
            "[\n    [\n        \"conv_a\",\n        0.5\n    ],\n    [\n        \"conv_b\",\n        0.99\n    ],\n"
            "    [\n        \"pool\",\n        1.0\n    ]\n]");
}

TEST(Outputs, HistoryObjectsAreBackToBackWithoutAnArray) {
  SearchRecord global;
  global.roll_back_config = {{"x", true}, {"y", true}};
  global.metric_eval = {false, 2.5};
  SearchRecord step;
  step.roll_back_config = {{"y", false}, {"x", true}};
  step.metric_eval = {true, 0.25};
  const std::string text = history_json({global, step});
  EXPECT_EQ(text,
            "{\n    \"roll_back_config\":{\n        \"x\":true,\n        \"y\":true\n    },\n"
            "    \"metric_eval\":[\n        false,\n        2.5\n    ]\n}"
            "{\n    \"roll_back_config\":{\n        \"y\":false,\n        \"x\":true\n    },\n"
            "    \"metric_eval\":[\n        true,\n        0.25\n    ]\n}");
  // No enclosing array: exactly two top-level objects, split at "}{".
  const size_t cut = text.find("}{");
  ASSERT_NE(cut, std::string::npos);
  EXPECT_EQ(text.find("}{", cut + 1), std::string::npos);
  EXPECT_TRUE(nlohmann::json::parse(text.substr(0, cut + 1)).is_object());
  EXPECT_TRUE(nlohmann::json::parse(text.substr(cut + 1)).is_object());
}

TEST(Outputs, FinalConfigSetsQuantEnableAndKeepsTheRest) {
  const std::string cfg = R"({"version": 1, "batch_num": 2, "A": {"quant_enable": true,
     "activation_quant_params": {"search_range": [0.7, 1.3]}}, "B": {"quant_enable": true}})";
  auto out = final_config_json(cfg, "config.json", {{"B", false}, {"A", true}});
  ASSERT_TRUE(out.ok()) << out.status().message();
  const auto j = nlohmann::ordered_json::parse(*out);
  EXPECT_FALSE(j["B"]["quant_enable"].get<bool>());
  EXPECT_TRUE(j["A"]["quant_enable"].get<bool>());
  EXPECT_EQ(j["batch_num"], 2);
  // Key order and float text survive; AMCT's separators.
  EXPECT_LT(out->find("\"version\""), out->find("\"A\""));
  EXPECT_NE(out->find("0.7,"), std::string::npos);
  EXPECT_NE(out->find("\"quant_enable\":false"), std::string::npos);
}

TEST(Outputs, FinalConfigRejectsUnknownLayersAndBadJson) {
  EXPECT_FALSE(final_config_json(R"({"A": {"quant_enable": true}})", "c.json", {{"Z", true}}).ok());
  auto bad = final_config_json("{not json", "c.json", {});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("c.json"), std::string::npos);
}

}  // namespace
}  // namespace amct::workflows::auto_calibration
