#include "formats/perf/sampler_config.h"

#include <gtest/gtest.h>

#include <fstream>

#include "test_util.h"

namespace amct::perf {
namespace {

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

TEST(SamplerConfig, ParsesEveryField) {
  auto c = parse_sampler_config(
      "cpu_sampler_config: { threads: 2 batch: 4 input_shape: \"input:4,224,224,3\" warmup: 5 repeats: 30 "
      "confirm_margin: 0.01 }",
      "s.cfg");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->threads, 2);
  EXPECT_EQ(c->batch, 4);
  ASSERT_TRUE(c->input.has_value());
  EXPECT_EQ(c->input->name, "input");
  EXPECT_EQ(c->input->dims, (std::vector<int64_t>{4, 224, 224, 3}));
  EXPECT_EQ(c->warmup, 5);
  EXPECT_EQ(c->repeats, 30);
  EXPECT_DOUBLE_EQ(c->confirm_margin, 0.01);
  auto again = parse_sampler_config(to_text(*c), "again");
  ASSERT_TRUE(again.ok()) << to_text(*c);
  EXPECT_EQ(again->input->dims, c->input->dims);
  EXPECT_EQ(again->repeats, 30);
}

TEST(SamplerConfig, DefaultsAndBatchFromTheShape) {
  auto c = parse_sampler_config("cpu_sampler_config {}", "s.cfg");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->threads, 0);
  EXPECT_EQ(c->batch, 1);
  EXPECT_FALSE(c->input.has_value());
  EXPECT_EQ(c->warmup, 3);
  EXPECT_EQ(c->repeats, 20);
  auto s = parse_sampler_config("cpu_sampler_config { input_shape: \"Reshape_1:8,49,10,1\" }", "s.cfg");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->batch, 8);
}

TEST(SamplerConfig, NodeNamesMayContainColonsAndSlashes) {
  auto s = parse_input_shape("scope/x:0:1,3");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->name, "scope/x:0");
  EXPECT_EQ(s->dims, (std::vector<int64_t>{1, 3}));
}

TEST(SamplerConfig, BadValuesNameTheFileAndField) {
  struct Case {
    const char* text;
    const char* field;
  } cases[] = {
      {"cpu_sampler_config { batch: 0 }", "'batch'"},
      {"cpu_sampler_config { threads: -1 }", "'threads'"},
      {"cpu_sampler_config { repeats: 0 }", "'repeats'"},
      {"cpu_sampler_config { warmup: -2 }", "'warmup'"},
      {"cpu_sampler_config { confirm_margin: 1.5 }", "'confirm_margin'"},
      {"cpu_sampler_config { input_shape: \"input\" }", "'input_shape'"},
      {"cpu_sampler_config { input_shape: \"input:1,0,3\" }", "'input_shape'"},
      {"cpu_sampler_config { input_shape: \"input:1,a,3\" }", "'input_shape'"},
      {"cpu_sampler_config { input_shape: \"input:1,,3\" }", "'input_shape'"},
      {"cpu_sampler_config { input_shape: \"input:\" }", "'input_shape'"},
      {"cpu_sampler_config { input_shape: \"input:99999999999999999999999,2\" }", "'input_shape'"},
      {"cpu_sampler_config { input_shape: \"input:65536,65536,65536\" }", "'input_shape'"},
      {"cpu_sampler_config { input_shape: \"input:1,1,1,1,1,1,1,1,1\" }", "'input_shape'"},
      {"cpu_sampler_config { batch: 2 input_shape: \"input:4,224,224,3\" }", "'batch'"},
  };
  for (const Case& c : cases) {
    auto r = parse_sampler_config(c.text, "bad.cfg");
    ASSERT_FALSE(r.ok()) << c.text;
    EXPECT_TRUE(contains(r.status().message(), "bad.cfg: ")) << r.status().message();
    EXPECT_TRUE(contains(r.status().message(), c.field)) << c.text << " -> " << r.status().message();
  }
}

TEST(SamplerConfig, SyntaxErrorsGiveLineAndColumn) {
  auto r = parse_sampler_config("cpu_sampler_config {\n  threads: two\n}", "x.cfg");
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(contains(r.status().message(), "x.cfg: line 2")) << r.status().message();
  auto unknown = parse_sampler_config("cpu_sampler_config { soc_version: \"SD3403\" }", "x.cfg");
  ASSERT_FALSE(unknown.ok());
  EXPECT_TRUE(contains(unknown.status().message(), "soc_version")) << unknown.status().message();
  auto missing = parse_sampler_config("", "x.cfg");
  ASSERT_FALSE(missing.ok());
  EXPECT_TRUE(contains(missing.status().message(), "no cpu_sampler_config")) << missing.status().message();
}

TEST(SamplerConfig, AmctAscendConfigGetsAHint) {
  auto r = parse_sampler_config(
      "ascend_sampler_config: { soc_version: SD3403 input_shape: \"input:32,224,224,3\" }", "mobilenet.cfg");
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(contains(r.status().message(), "mobilenet.cfg: ")) << r.status().message();
  EXPECT_TRUE(contains(r.status().message(), "cpu_sampler_config")) << r.status().message();
}

TEST(SamplerConfig, ReadsFilesAndNamesMissingOnes) {
  const std::string dir = amct::testing::make_temp_dir("sampler");
  const std::string path = dir + "/s.cfg";
  std::ofstream(path) << "cpu_sampler_config { repeats: 7 }\n";
  auto c = read_sampler_config(path);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->repeats, 7);
  EXPECT_EQ(c->source, path);
  auto missing = read_sampler_config(dir + "/none.cfg");
  ASSERT_FALSE(missing.ok());
  EXPECT_TRUE(contains(missing.status().message(), "none.cfg")) << missing.status().message();
}

}  // namespace
}  // namespace amct::perf
