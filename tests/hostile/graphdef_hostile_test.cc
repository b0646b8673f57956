// Hostile GraphDefs: truncated and random files, inconsistent tensors, bad
// shapes, broken edges. Each must give a Status naming the file and the reason,
// never a crash (run under AMCT_SANITIZE=ON for ASan/UBSan).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "core/atomic_write.h"
#include "formats/tf/graphdef_reader.h"
#include "formats/tf/proto/graph.pb.h"
#include "test_util.h"

namespace amct {
namespace {

class GraphDefHostile : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = testing::make_temp_dir("graphdef_hostile"); }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& bytes) {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }
  std::string write(const std::string& name, const tfproto::GraphDef& gd) {
    return write(name, gd.SerializeAsString());
  }
  // Reads `path`, expecting an error that starts with the path and mentions `reason`.
  void expect_error(const std::string& path, const std::string& reason) {
    auto g = tf::read_graphdef(path);
    ASSERT_FALSE(g.ok()) << path << " was accepted";
    const std::string& msg = g.status().message();
    EXPECT_EQ(msg.rfind(path, 0), 0u) << msg;
    EXPECT_NE(msg.find(reason), std::string::npos) << "want '" << reason << "' in: " << msg;
  }

  std::string dir_;
};

tfproto::NodeDef* add_node(tfproto::GraphDef* gd, const std::string& name, const std::string& op,
                           std::vector<std::string> inputs = {}) {
  auto* n = gd->add_node();
  n->set_name(name);
  n->set_op(op);
  for (auto& in : inputs) n->add_input(in);
  return n;
}

// A float Const with the given shape; the caller fills the tensor.
tfproto::TensorProto* add_const(tfproto::GraphDef* gd, const std::string& name, std::vector<int64_t> dims,
                                int dtype = 1) {
  auto* n = add_node(gd, name, "Const");
  (*n->mutable_attr())["dtype"].set_type(dtype);
  auto* t = (*n->mutable_attr())["value"].mutable_tensor();
  t->set_dtype(dtype);
  for (int64_t d : dims) t->mutable_tensor_shape()->add_dim()->set_size(d);
  return t;
}

TEST_F(GraphDefHostile, TruncatedRealModel) {
  auto bytes = read_file(testing::asset("models/mobilenet_v2_1.0_224_quant_float.pb"));
  ASSERT_TRUE(bytes.ok());
  const size_t n = bytes->size();
  for (size_t cut : {size_t{1}, size_t{7}, size_t{100}, size_t{4096}, n / 3, n / 2, n - 1000, n - 1}) {
    SCOPED_TRACE(cut);
    const std::string path = write("cut_" + std::to_string(cut) + ".pb", bytes->substr(0, cut));
    expect_error(path, "not a valid GraphDef");
  }
}

TEST_F(GraphDefHostile, TruncatedAtEveryPrefixOfASmallModel) {
  auto bytes = read_file(testing::asset("tf_frozen/mnist_softmax/mnist.pb"));
  ASSERT_TRUE(bytes.ok());
  // Every cut must fail cleanly; some land between nodes and leave dangling inputs.
  for (size_t cut = 0; cut < bytes->size(); cut += 37) {
    auto g = tf::parse_graphdef(bytes->substr(0, cut), "mnist_cut");
    if (g.ok()) {
      // A prefix that ends exactly between whole nodes is a valid smaller graph.
      EXPECT_GT(g->size(), 0u);
      continue;
    }
    EXPECT_EQ(g.status().message().rfind("mnist_cut: ", 0), 0u) << g.status().message();
  }
}

TEST_F(GraphDefHostile, RandomBytes) {
  std::mt19937 rng(1234);
  for (size_t size : {size_t{0}, size_t{1}, size_t{16}, size_t{1000}, size_t{100000}}) {
    std::string junk(size, '\0');
    for (auto& c : junk) c = static_cast<char>(rng() & 0xff);
    const std::string path = write("junk_" + std::to_string(size) + ".pb", junk);
    expect_error(path, "not a valid GraphDef");
  }
}

TEST_F(GraphDefHostile, MissingFile) { expect_error(dir_ + "/absent.pb", "no such file"); }

TEST_F(GraphDefHostile, ConstContentShorterThanShape) {
  tfproto::GraphDef gd;
  add_const(&gd, "w", {2, 3})->set_tensor_content(std::string(8, '\0'));
  expect_error(write("short.pb", gd), "tensor_content has 8 bytes, expected 24");
}

TEST_F(GraphDefHostile, ConstContentLongerThanShape) {
  tfproto::GraphDef gd;
  add_const(&gd, "w", {2})->set_tensor_content(std::string(12, '\0'));
  expect_error(write("long.pb", gd), "node 'w' (Const)");
}

TEST_F(GraphDefHostile, TooManyTypedValues) {
  tfproto::GraphDef gd;
  auto* t = add_const(&gd, "w", {2});
  for (int i = 0; i < 3; ++i) t->add_float_val(1.0f);
  expect_error(write("vals.pb", gd), "float_val has 3 values");
}

TEST_F(GraphDefHostile, NegativeDims) {
  tfproto::GraphDef gd;
  add_const(&gd, "w", {4, -2})->add_float_val(1.0f);
  expect_error(write("neg.pb", gd), "negative dimension");
}

TEST_F(GraphDefHostile, HugeDimsAreRefusedBeforeAllocating) {
  tfproto::GraphDef gd;
  // 2^40 elements from a one-value broadcast: must not try to allocate 4 TiB.
  add_const(&gd, "w", {1 << 20, 1 << 20})->add_float_val(1.0f);
  expect_error(write("huge.pb", gd), "too large");
  tfproto::GraphDef gd2;
  add_const(&gd2, "w", {int64_t{1} << 40, int64_t{1} << 40})->add_float_val(1.0f);
  expect_error(write("overflow.pb", gd2), "too many elements");
}

TEST_F(GraphDefHostile, UnknownDtype) {
  tfproto::GraphDef gd;
  add_const(&gd, "w", {1}, 999)->add_float_val(1.0f);
  expect_error(write("dtype.pb", gd), "unknown dtype 999");
  tfproto::GraphDef gd2;
  auto* p = add_node(&gd2, "x", "Placeholder");
  (*p->mutable_attr())["dtype"].set_type(-5);
  expect_error(write("dtype_attr.pb", gd2), "unknown dtype -5");
}

TEST_F(GraphDefHostile, ConstDtypeAttrDisagreesWithTensor) {
  tfproto::GraphDef gd;
  auto* t = add_const(&gd, "w", {1});
  t->set_dtype(3);
  t->add_int_val(7);
  expect_error(write("mismatch.pb", gd), "'value' tensor is int32 but 'dtype' says float32");
}

TEST_F(GraphDefHostile, Cycle) {
  tfproto::GraphDef gd;
  add_node(&gd, "x", "Placeholder");
  add_node(&gd, "a", "Relu", {"x", "^c"});
  add_node(&gd, "b", "Relu", {"a"});
  add_node(&gd, "c", "Relu", {"b"});
  expect_error(write("cycle.pb", gd), "cycle");
}

TEST_F(GraphDefHostile, SelfLoop) {
  tfproto::GraphDef gd;
  add_node(&gd, "a", "Relu", {"a"});
  expect_error(write("self.pb", gd), "cycle through node 'a'");
}

TEST_F(GraphDefHostile, MissingInputNode) {
  tfproto::GraphDef gd;
  add_node(&gd, "x", "Placeholder");
  add_node(&gd, "a", "Relu", {"nowhere"});
  expect_error(write("missing.pb", gd), "'nowhere' names a node that is not in the graph");
}

TEST_F(GraphDefHostile, DuplicateNodeNames) {
  tfproto::GraphDef gd;
  add_node(&gd, "x", "Placeholder");
  add_node(&gd, "x", "Placeholder");
  expect_error(write("dup.pb", gd), "duplicate node name 'x'");
}

TEST_F(GraphDefHostile, EmptyNodeName) {
  tfproto::GraphDef gd;
  add_node(&gd, "", "Placeholder");
  expect_error(write("empty_name.pb", gd), "empty name");
}

TEST_F(GraphDefHostile, BadInputStrings) {
  for (const std::string bad : {"a:xyz", "a:", ":1", "^", "a:-1", "a:99999999"}) {
    SCOPED_TRACE(bad);
    tfproto::GraphDef gd;
    add_node(&gd, "a", "Placeholder");
    add_node(&gd, "b", "Relu", {bad});
    expect_error(write("bad_input.pb", gd), "node 'b' (Relu)");
  }
}

TEST_F(GraphDefHostile, OutputIndexBeyondTheOp) {
  tfproto::GraphDef gd;
  add_node(&gd, "a", "Placeholder");
  add_node(&gd, "b", "Relu", {"a:1"});
  expect_error(write("index.pb", gd), "node 'a' (Placeholder) has 1 output");
}

TEST_F(GraphDefHostile, ControlInputBeforeData) {
  tfproto::GraphDef gd;
  add_node(&gd, "a", "Placeholder");
  add_node(&gd, "b", "Add", {"^a", "a"});
  expect_error(write("ctrl.pb", gd), "follows a control input");
}

TEST_F(GraphDefHostile, ShapeAttrWithBadDims) {
  tfproto::GraphDef gd;
  auto* p = add_node(&gd, "x", "Placeholder");
  (*p->mutable_attr())["shape"].mutable_shape()->add_dim()->set_size(-7);
  expect_error(write("shape_attr.pb", gd), "dimension -7");
}

TEST_F(GraphDefHostile, CorruptedTensorBytesInRealModel) {
  // Flip bytes inside the real model: either a parse error or a clean load, never a crash.
  auto bytes = read_file(testing::asset("float_models/mobilenet_v1_0.25_224_float.pb"));
  ASSERT_TRUE(bytes.ok());
  std::mt19937 rng(99);
  for (int trial = 0; trial < 40; ++trial) {
    std::string b = *bytes;
    for (int k = 0; k < 8; ++k) b[rng() % b.size()] = static_cast<char>(rng() & 0xff);
    auto g = tf::parse_graphdef(b, "flipped.pb");
    if (!g.ok()) {
      EXPECT_EQ(g.status().message().rfind("flipped.pb: ", 0), 0u) << g.status().message();
    }
  }
}

}  // namespace
}  // namespace amct
