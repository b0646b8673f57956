#include "formats/tf/graphdef_reader.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "formats/tf/proto/graph.pb.h"
#include "test_util.h"

namespace amct::tf {
namespace {

tfproto::GraphDef small_graph() {
  tfproto::GraphDef gd;
  auto* x = gd.add_node();
  x->set_name("x");
  x->set_op("Placeholder");
  x->set_device("/cpu:0");
  (*x->mutable_attr())["dtype"].set_type(1);
  auto* c = gd.add_node();
  c->set_name("c");
  c->set_op("Const");
  (*c->mutable_attr())["dtype"].set_type(1);
  auto* t = (*c->mutable_attr())["value"].mutable_tensor();
  t->set_dtype(1);
  t->mutable_tensor_shape()->add_dim()->set_size(3);
  t->add_float_val(0.5f);
  auto* add = gd.add_node();
  add->set_name("add");
  add->set_op("AddV2");
  add->add_input("x");
  add->add_input("c:0");
  add->add_input("^c");
  (*add->mutable_attr())["T"].set_type(1);
  gd.mutable_versions()->set_producer(27);
  gd.mutable_versions()->set_min_consumer(12);
  gd.mutable_versions()->add_bad_consumers(3);
  gd.set_library(std::string("\x0a\x00", 2));
  return gd;
}

TEST(GraphDefReader, ParsesNodesAttrsAndVersions) {
  auto g = parse_graphdef(small_graph().SerializeAsString(), "mem");
  ASSERT_TRUE(g.ok()) << g.status().message();
  ASSERT_EQ(g->size(), 3u);
  EXPECT_EQ(g->node(0).device, "/cpu:0");
  const graph::Node* add = g->find("add");
  ASSERT_NE(add, nullptr);
  EXPECT_EQ(add->inputs, (std::vector<std::string>{"x", "c:0", "^c"}));
  EXPECT_EQ(add->attr_type("T").value(), graph::DataType::kFloat);
  auto value = g->find("c")->attr_tensor("value");
  ASSERT_TRUE(value.ok());
  EXPECT_EQ(value->num_elements(), 3);
  EXPECT_EQ(value->data<float>()[2], 0.5f);
  EXPECT_EQ(g->producer_version, 27);
  EXPECT_EQ(g->min_consumer_version, 12);
  tfproto::VersionDef v;
  ASSERT_TRUE(v.ParseFromString(g->versions_bytes));
  EXPECT_EQ(v.bad_consumers_size(), 1);
  EXPECT_EQ(g->library_bytes, std::string("\x0a\x00", 2));
}

TEST(GraphDefReader, ErrorsStartWithTheSourceName) {
  auto empty = parse_graphdef("", "a.pb");
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.status().message(), "a.pb: not a valid GraphDef (no nodes)");
  auto junk = parse_graphdef(std::string("\xff\xff\xff\xff", 4), "b.pb");
  ASSERT_FALSE(junk.ok());
  EXPECT_EQ(junk.status().message(), "b.pb: not a valid GraphDef (truncated or corrupt protobuf)");

  auto gd = small_graph();
  (*gd.mutable_node(1)->mutable_attr())["value"].mutable_tensor()->set_tensor_content("xy");
  auto bad = parse_graphdef(gd.SerializeAsString(), "c.pb");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(),
            "c.pb: node 'c' (Const): attribute 'value': tensor_content has 2 bytes, expected 12 for float32 [3]");

  auto dangling = small_graph();
  dangling.mutable_node(2)->set_input(0, "y");
  auto d = parse_graphdef(dangling.SerializeAsString(), "d.pb");
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().message().rfind("d.pb: node 'add' (AddV2): input 0 'y'", 0), 0u) << d.status().message();
}

TEST(GraphDefReader, ReadsFromAFile) {
  const std::string dir = testing::make_temp_dir("reader");
  const std::string path = dir + "/g.pb";
  std::ofstream(path, std::ios::binary) << small_graph().SerializeAsString();
  auto g = read_graphdef(path);
  ASSERT_TRUE(g.ok()) << g.status().message();
  EXPECT_EQ(g->size(), 3u);
  auto missing = read_graphdef(dir + "/nope.pb");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().message().rfind(dir + "/nope.pb", 0), 0u);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace amct::tf
