// Hostile inputs given to the `amct` command itself (a child process): every
// format amct reads (GraphDef, record.txt, config.json, .cfg, TFRecord +
// tf.Example, JPEG/PNG/BMP, labels.csv) and bad command-line arguments. Each
// must end with a non-zero exit code and exactly one line on stderr, an
// "ERROR - [AMCT]" line naming the file (or argument) and the reason; never a
// crash, a hang or a success.
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "core/atomic_write.h"
#include "formats/tf/proto/graph.pb.h"
#include "formats/tfrecord/example.h"
#include "formats/tfrecord/tfrecord_reader.h"
#include "hostile/cli_runner.h"
#include "test_util.h"

namespace amct {
namespace {

// TF DataType enum values (types.proto).
constexpr int kFloat32 = 1;

namespace fs = std::filesystem;
using testing::asset;

const std::string kFloat = "models/mobilenet_v2_1.0_224_quant_float.pb";
const std::string kOut = "MobilenetV2/Predictions/Reshape_1";
const std::string kJpeg = "imagenet_val_1300/images/ILSVRC2012_val_00000347.JPEG";

struct Case {
  std::string name;
  std::string args;    // amct command line
  std::string names;   // what the error must name (a path or an option)
  std::string reason;  // and why
};

// One folder for the files of a test suite run; outputs that must never be
// written point into it too.
std::string& hostile_dir() {
  static std::string dir;
  return dir;
}

class CliHostile : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = hostile_dir() = testing::make_temp_dir("cli_hostile"); }
  void TearDown() override {
    EXPECT_FALSE(fs::exists(dir_ + "/never")) << "an output was written for a bad input";
    fs::remove_all(dir_);
  }

  std::string put(const std::string& name, const std::string& bytes) {
    const std::string path = dir_ + "/" + name;
    EXPECT_TRUE(write_file_atomic(path, bytes).is_ok());
    return path;
  }
  std::string folder(const std::string& name) {
    fs::create_directories(dir_ + "/" + name);
    return dir_ + "/" + name;
  }

  void check(const std::vector<Case>& cases) {
    for (const Case& c : cases) {
      SCOPED_TRACE(c.name + ": amct " + c.args);
      auto r = testing::run_amct(c.args);
      EXPECT_NE(r.exit_code, 0) << r.out;
      EXPECT_NE(r.exit_code, -1) << "killed by a signal";
      ASSERT_FALSE(r.err.empty());
      EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << "not one line:\n" << r.err;
      EXPECT_EQ(r.err.rfind("ERROR - [AMCT]:[", 0), 0u) << r.err;
      EXPECT_NE(r.err.find(c.names), std::string::npos) << "want '" << c.names << "' in: " << r.err;
      EXPECT_NE(r.err.find(c.reason), std::string::npos) << "want '" << c.reason << "' in: " << r.err;
    }
  }

  std::string dir_;
};

std::string infer(const std::string& model, const std::string& image = asset(kJpeg)) {
  return "infer --model " + model + " --image " + image;
}

// A GraphDef whose image input feeds `op` (attrs as given) -> "out".
std::string graph_with(const std::function<void(tfproto::GraphDef*)>& build) {
  tfproto::GraphDef gd;
  build(&gd);
  return gd.SerializeAsString();
}

tfproto::NodeDef* add(tfproto::GraphDef* gd, const std::string& name, const std::string& op,
                      std::vector<std::string> in = {}) {
  auto* n = gd->add_node();
  n->set_name(name);
  n->set_op(op);
  for (auto& i : in) n->add_input(i);
  return n;
}

tfproto::NodeDef* placeholder(tfproto::GraphDef* gd, int channels = 3) {
  auto* p = add(gd, "input", "Placeholder");
  (*p->mutable_attr())["dtype"].set_type(kFloat32);
  for (int64_t d : {int64_t{-1}, int64_t{224}, int64_t{224}, int64_t{channels}})
    (*p->mutable_attr())["shape"].mutable_shape()->add_dim()->set_size(d);
  return p;
}

TEST_F(CliHostile, GraphDefs) {
  const std::string real = testing::slurp(asset(kFloat));
  const std::string truncated = put("truncated.pb", real.substr(0, 100000));
  const std::string random = put("random.pb", std::string("\x0a\xff\xff\xff\x0f\x12\x34 random bytes", 21));
  const std::string text = put("text.pb", testing::slurp(asset("amct_sample/record_quantized.txt")).substr(0, 4000));
  const std::string dir = folder("model_dir.pb");
  const std::string empty = put("empty.pb", "");
  const std::string cycle = put("cycle.pb", graph_with([](tfproto::GraphDef* gd) {
    placeholder(gd);
    add(gd, "a", "Relu", {"b"});
    add(gd, "b", "Relu", {"a"});
    add(gd, "out", "Softmax", {"b"});
  }));
  const std::string dangling = put("dangling.pb", graph_with([](tfproto::GraphDef* gd) {
    placeholder(gd);
    add(gd, "out", "Relu", {"nowhere"});
  }));
  const std::string dup = put("dup.pb", graph_with([](tfproto::GraphDef* gd) {
    placeholder(gd);
    add(gd, "out", "Relu", {"input"});
    add(gd, "out", "Relu", {"input"});
  }));
  const std::string unknown_op = put("unknown_op.pb", graph_with([](tfproto::GraphDef* gd) {
    placeholder(gd);
    add(gd, "out", "FancyNewOp", {"input"});
  }));
  const std::string short_const = put("short_const.pb", graph_with([](tfproto::GraphDef* gd) {
    placeholder(gd);
    auto* c = add(gd, "w", "Const");
    (*c->mutable_attr())["dtype"].set_type(kFloat32);
    auto* t = (*c->mutable_attr())["value"].mutable_tensor();
    t->set_dtype(kFloat32);
    for (int d : {3, 3, 3, 8}) t->mutable_tensor_shape()->add_dim()->set_size(d);
    t->set_tensor_content(std::string(12, '\0'));
    add(gd, "out", "Add", {"input", "w"});
  }));
  const std::string huge_const = put("huge_const.pb", graph_with([](tfproto::GraphDef* gd) {
    placeholder(gd);
    auto* c = add(gd, "w", "Const");
    (*c->mutable_attr())["dtype"].set_type(kFloat32);
    auto* t = (*c->mutable_attr())["value"].mutable_tensor();
    t->set_dtype(kFloat32);
    for (int64_t d : {int64_t{1} << 31, int64_t{1} << 31, int64_t{1} << 31}) t->mutable_tensor_shape()->add_dim()->set_size(d);
    t->add_float_val(1.0f);
    add(gd, "out", "Add", {"input", "w"});
  }));
  const std::string gray_input = put("gray_input.pb", graph_with([](tfproto::GraphDef* gd) {
    placeholder(gd, 1);
    add(gd, "out", "Relu", {"input"});
  }));
  check({
      {"missing model", infer(dir_ + "/absent.pb"), dir_ + "/absent.pb", "no such file"},
      {"model is a folder", infer(dir), dir, "is a directory"},
      {"truncated model", infer(truncated), truncated, "GraphDef"},
      {"random bytes", infer(random), random, "GraphDef"},
      {"text as model", infer(text), text, "GraphDef"},
      {"empty model", infer(empty), empty, "no nodes"},
      {"cycle", infer(cycle), cycle, "cycle"},
      {"dangling input", infer(dangling), dangling, "nowhere"},
      {"duplicate names", infer(dup), dup, "'out'"},
      {"unsupported op", infer(unknown_op), unknown_op, "FancyNewOp"},
      {"const content short", infer(short_const), short_const, "'w'"},
      {"const dims overflow", infer(huge_const), huge_const, "'w'"},
      {"gray input", infer(gray_input), gray_input, "3 channels"},
      {"unknown output", "infer --model " + asset(kFloat) + " --outputs no/such/node --image " + asset(kJpeg),
       "no/such/node", "not in the graph"},
  });
}

std::string convert(const std::string& record) {
  return "convert --model " + asset(kFloat) + " --outputs " + kOut + " --record " + record + " --save-path " +
         hostile_dir() + "/never/m";
}

TEST_F(CliHostile, Records) {
  auto rec = [](const std::string& key, const std::string& value) {
    return "record { key: \"" + key + "\" value { " + value + " } }\n";
  };
  const std::string garbage = put("garbage_record.txt", "record { key: \"x\" value { scale_d: 0.1 offset_d: 0 }");
  const std::string binary = put("binary_record.txt", std::string("\x00\x01\x02\xff\xfe record", 12));
  const std::string unknown_field = put("unknown_field.txt", rec("MobilenetV2/Conv/Conv2D", "scale_x: 1"));
  const std::string no_node = put("no_node.txt", rec("No/Such/Conv2D", "scale_d: 0.1 offset_d: 0"));
  const std::string not_layer = put("not_layer.txt", rec("MobilenetV2/Predictions/Softmax", "scale_d: 0.1 offset_d: 0"));
  const std::string neg = put("neg_scale.txt", rec("MobilenetV2/Logits/AvgPool", "scale_d: -1 offset_d: 0"));
  const std::string nan = put("nan_scale.txt", rec("MobilenetV2/Logits/AvgPool", "scale_d: nan offset_d: 0"));
  const std::string off = put("offset.txt", rec("MobilenetV2/Logits/AvgPool", "scale_d: 0.1 offset_d: 200"));
  const std::string channels =
      put("channels.txt", rec("MobilenetV2/Conv/Conv2D", "scale_d: 0.1 offset_d: 0 scale_w: 0.1 scale_w: 0.1 "
                                                         "offset_w: 0 offset_w: 0"));
  const std::string huge_int = put("huge_int.txt", rec("MobilenetV2/Logits/AvgPool", "scale_d: 0.1 offset_d: 99999999999"));
  check({
      {"missing record", convert(dir_ + "/absent_record.txt"), dir_ + "/absent_record.txt", "no such file"},
      {"unterminated", convert(garbage), garbage, "record"},
      {"binary", convert(binary), binary, "record"},
      {"unknown field", convert(unknown_field), unknown_field, "scale_x"},
      {"key not in graph", convert(no_node), no_node, "No/Such/Conv2D"},
      {"key not a layer", convert(not_layer), not_layer, "MobilenetV2/Predictions/Softmax"},
      {"negative scale", convert(neg), neg, "scale_d -1"},
      {"nan scale", convert(nan), nan, "scale_d nan"},
      {"offset range", convert(off), off, "offset_d 200"},
      {"channel count", convert(channels), channels, "output channels"},
      {"int overflow", convert(huge_int), huge_int, "Integer out of range"},
  });
}

std::string calibrate(const std::string& config) {
  return "calibrate --model " + asset(kFloat) + " --outputs " + kOut + " --calib-dir " + asset("calibration_32") +
         " --config " + config + " --save-path " + hostile_dir() + "/never/c";
}

TEST_F(CliHostile, Configs) {
  const std::string layer = "\"MobilenetV2/Conv/Conv2D\"";
  const std::string not_json = put("not_json.json", "{\"version\": 1, ");
  const std::string array = put("array.json", "[1, 2, 3]");
  const std::string wrong_type = put("wrong_type.json", "{\"version\":1, \"batch_num\": \"many\"}");
  const std::string bad_layer =
      put("bad_layer.json", "{\"version\":1, \"No/Such/Layer\": {\"quant_enable\": true}}");
  const std::string bad_range = put("bad_range.json", "{\"version\":1, " + layer +
                                                          ": {\"activation_quant_params\": {\"search_range\": [1.3, "
                                                          "0.7]}}}");
  const std::string bad_algo = put("bad_algo.json", "{\"version\":1, " + layer +
                                                        ": {\"activation_quant_params\": {\"act_algo\": \"magic\"}}}");
  const std::string cfg_syntax = put("syntax.cfg", "batch_num: 2\ncommon_config {\n");
  const std::string cfg_field = put("field.cfg", "batch_num: 2\nno_such_field: 1\n");
  const std::string cfg_bins = put("bins.cfg", "common_config { hfmg_quantize { num_of_bins: 7 } }\n");
  const std::string cfg_step = put("step.cfg", "common_config { ifmr_quantize { search_step: -0.01 } }\n");
  check({
      {"missing config", calibrate(dir_ + "/absent.json"), dir_ + "/absent.json", "no such file"},
      {"truncated json", calibrate(not_json), not_json, "JSON"},
      {"json array", calibrate(array), array, "object"},
      {"json wrong type", calibrate(wrong_type), wrong_type, "batch_num"},
      {"json unknown layer", calibrate(bad_layer), bad_layer + ": key 'No/Such/Layer'", "not a quantizable layer"},
      {"json inverted range", calibrate(bad_range), bad_range, "search_range"},
      {"json unknown algorithm", calibrate(bad_algo), bad_algo, "magic"},
      {"cfg syntax", calibrate(cfg_syntax), cfg_syntax, "syntax.cfg"},
      {"cfg unknown field", calibrate(cfg_field), cfg_field, "no_such_field"},
      {"cfg bins", calibrate(cfg_bins), cfg_bins, "num_of_bins"},
      {"cfg step", calibrate(cfg_step), cfg_step, "search_step"},
  });
}

// A failed calibrate leaves an earlier DIR/config.json byte for byte and no
// temporary beside it, whether it fails on the config or later, on the data.
TEST_F(CliHostile, FailedCalibrateKeepsTheEarlierConfig) {
  const std::string out = folder("out");
  const std::string earlier = put("out/config.json", "{\"version\": 1, \"batch_num\": 7}\n");
  const std::string bad_layer =
      put("bad_layer.json", "{\"version\":1, \"No/Such/Layer\": {\"quant_enable\": true}}");
  const std::string good = put("good.json", "{\"version\": 1, \"batch_num\": 1}\n");
  const std::string no_images = folder("no_images");
  const auto run = [&](const std::string& config, const std::string& calib) {
    return testing::run_amct("calibrate --model " + asset(kFloat) + " --outputs " + kOut + " --calib-dir " + calib +
                             " --config " + config + " --save-path " + out + "/c");
  };
  for (const auto& [name, r] : {std::pair{"bad config", run(bad_layer, asset("calibration_32"))},
                                std::pair{"no calibration images", run(good, no_images)}}) {
    SCOPED_TRACE(name);
    EXPECT_NE(r.exit_code, 0) << r.out;
    EXPECT_NE(r.exit_code, -1) << "killed by a signal";
    EXPECT_EQ(testing::slurp(earlier), "{\"version\": 1, \"batch_num\": 7}\n");
    std::vector<std::string> left;
    for (const auto& e : fs::directory_iterator(out)) left.push_back(e.path().filename().string());
    EXPECT_EQ(left, std::vector<std::string>{"config.json"});
  }
}

std::string eval(const std::string& dataset) {
  return "eval --model " + asset(kFloat) + " --outputs " + kOut + " --dataset " + dataset;
}

TEST_F(CliHostile, TfRecordsAndExamples) {
  const std::string real = testing::slurp(asset("imagenet_val_1300/tfrecord/validation-00000-of-00002"));
  auto shard = [this](const std::string& name, const std::string& bytes) {
    folder(name);
    return put(name + "/validation-00000-of-00001", bytes);
  };
  auto example = [](const std::string& image, bool with_label) {
    tfrecord::Example ex;
    ex.features["image/encoded"].kind = tfrecord::Feature::Kind::kBytes;
    ex.features["image/encoded"].bytes = {image};
    if (with_label) {
      ex.features["image/class/label"].kind = tfrecord::Feature::Kind::kInt64;
      ex.features["image/class/label"].int64s = {474};
    }
    return tfrecord::frame_record(tfrecord::serialize_example(ex));
  };
  const std::string jpeg = testing::slurp(asset(kJpeg));
  std::string crc = real;
  crc[20000] ^= 0x10;
  const std::string bad_crc = shard("tfr_crc", crc);
  const std::string cut = shard("tfr_cut", real.substr(0, real.size() - 777));
  const std::string not_example = shard("tfr_not_example", tfrecord::frame_record("\xff\xff\xff\xff garbage"));
  tfrecord::Example label_only;
  label_only.features["image/class/label"].kind = tfrecord::Feature::Kind::kInt64;
  label_only.features["image/class/label"].int64s = {1};
  const std::string no_image = shard("tfr_no_image", tfrecord::frame_record(tfrecord::serialize_example(label_only)));
  const std::string no_label = shard("tfr_no_label", example(jpeg, false));
  const std::string bad_image = shard("tfr_bad_image", example("not a jpeg at all", true));
  check({
      {"data crc", eval(dir_ + "/tfr_crc"), bad_crc, "CRC"},
      {"truncated shard", eval(dir_ + "/tfr_cut"), cut, "record 649"},
      {"not an Example", eval(dir_ + "/tfr_not_example"), not_example, "record 0"},
      {"no image/encoded", eval(dir_ + "/tfr_no_image"), no_image, "image/encoded"},
      {"no label", eval(dir_ + "/tfr_no_label"), "tfr_no_label", "has no label"},
      {"image bytes not an image", eval(dir_ + "/tfr_bad_image"), bad_image, "record 0"},
  });
}

TEST_F(CliHostile, ImagesAndFolders) {
  const std::string jpeg = testing::slurp(asset(kJpeg));
  const std::string png = testing::slurp(asset("mnist/9.png"));
  const std::string bmp = testing::slurp(asset("coral/images/bird.bmp"));
  const std::string cut_jpeg = put("cut.jpg", jpeg.substr(0, 300));
  const std::string random_jpeg = put("random.jpg", std::string("\xff\xd8\xff\xe0 not really", 16));
  const std::string cut_png = put("cut.png", png.substr(0, 60));
  std::string big = bmp;
  big[18] = '\xff';
  big[19] = '\xff';
  big[20] = '\xff';
  big[21] = '\x7f';  // width 2^31-1
  const std::string huge_bmp = put("huge.bmp", big);
  const std::string empty = put("empty.jpg", "");
  const std::string text = put("text.png", "just some text, not an image\n");
  const std::string missing_img = folder("missing_img");
  put("missing_img/labels.csv", "file,label\nimages/absent.JPEG,3\n");
  const std::string bad_label = folder("bad_label");
  put("bad_label/a.jpg", jpeg);
  put("bad_label/labels.csv", "file,label\na.jpg,three\n");
  const std::string corrupt = folder("corrupt_folder");
  put("corrupt_folder/a.jpg", jpeg.substr(0, 500));
  put("corrupt_folder/labels.csv", "file,label\na.jpg,3\n");
  const std::string empty_dir = folder("empty_dir");
  check({
      {"truncated jpeg", infer(asset(kFloat), cut_jpeg), cut_jpeg, "JPEG"},
      {"jpeg signature, garbage", infer(asset(kFloat), random_jpeg), random_jpeg, "JPEG"},
      {"truncated png", infer(asset(kFloat), cut_png), cut_png, "PNG"},
      {"bmp huge width", infer(asset(kFloat), huge_bmp), huge_bmp, "exceeds"},
      {"empty image", infer(asset(kFloat), empty), empty, "empty.jpg"},
      {"text as image", infer(asset(kFloat), text), text, "not a JPEG, PNG or BMP"},
      {"missing image", infer(asset(kFloat), dir_ + "/absent.jpg"), dir_ + "/absent.jpg", "no such file"},
      {"labels.csv missing image", eval(missing_img), "absent.JPEG", "not found"},
      {"labels.csv bad label", eval(bad_label), "labels.csv", "three"},
      {"corrupt image in folder", eval(corrupt), "a.jpg", "JPEG"},
      {"empty folder", eval(empty_dir), empty_dir, "empty folder"},
  });
}

TEST_F(CliHostile, Arguments) {
  const std::string m = asset(kFloat);
  check({
      {"unknown subcommand", "transmogrify --model " + m, "transmogrify", "unknown subcommand"},
      {"no subcommand", "", "subcommand", "subcommand"},
      {"missing required option", "convert --model " + m + " --outputs " + kOut, "--record", "required"},
      {"unknown option", "eval --model " + m + " --dataset x --frobnicate 3", "--frobnicate", "frobnicate"},
      {"non-numeric batch size", eval(asset("calibration_32")) + " --batch-size lots", "--batch-size", "lots"},
      {"zero batch size", eval(asset("calibration_32")) + " --batch-size 0", "batch", "0"},
      {"negative batch size", eval(asset("calibration_32")) + " --batch-size -4", "batch", "-4"},
      {"unknown preprocessing", eval(asset("calibration_32")) + " --preprocess fancy", "fancy", "unknown preprocessing"},
      {"save path not writable",
       "convert --model " + m + " --outputs " + kOut + " --record " + asset("amct_sample/record_quantized.txt") +
           " --save-path /proc/amct_no/m",
       "/proc/amct_no/m", "cannot"},
      {"skip layer not in model",
       "calibrate --model " + m + " --outputs " + kOut + " --calib-dir " + asset("calibration_32") +
           " --skip-layers No/Such --save-path " + hostile_dir() + "/never/s",
       "No/Such", "not a quantizable layer"},
      {"dataset is a file", eval(asset(kJpeg)), asset(kJpeg), "has no label"},
  });
}

}  // namespace
}  // namespace amct
