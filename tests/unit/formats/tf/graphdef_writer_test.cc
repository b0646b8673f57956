#include "formats/tf/graphdef_writer.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "core/atomic_write.h"
#include "formats/tf/graphdef_reader.h"
#include "formats/tf/proto/graph.pb.h"
#include "test_util.h"
#include "unit/graph/passes/test_graphs.h"

namespace amct::tf {
namespace {

using namespace graph::testing;  // NOLINT
using graph::AttrValue;

graph::Graph conv_graph() {
  graph::Node conv = float_op("conv", "Conv2D", {"x", "w"});
  conv.attrs["strides"] = AttrValue::of_ints({1, 1, 1, 1});
  conv.attrs["padding"] = AttrValue::of_string("SAME");
  conv.attrs["data_format"] = AttrValue::of_string("NHWC");
  conv.attrs["use_cudnn_on_gpu"] = AttrValue::of_bool(true);
  conv.attrs["explicit_paddings"] = AttrValue::of_ints({});
  graph::Graph g = build({placeholder("x"), const_node("w", floats({1, 1, 2, 2}, {1, 2, 3, 4})), conv});
  g.producer_version = 175;
  return g;
}

TEST(GraphDefWriter, WritesTensorContentAndAllFields) {
  auto bytes = serialize_graphdef(conv_graph());
  ASSERT_TRUE(bytes.ok()) << bytes.status().message();
  tfproto::GraphDef gd;
  ASSERT_TRUE(gd.ParseFromString(*bytes));
  ASSERT_EQ(gd.node_size(), 3);
  EXPECT_EQ(gd.versions().producer(), 175);
  const auto& w = gd.node(1).attr().at("value").tensor();
  EXPECT_EQ(w.tensor_content().size(), 16u);
  EXPECT_EQ(w.float_val_size(), 0);
  EXPECT_EQ(gd.node(2).input_size(), 2);
  EXPECT_TRUE(gd.node(2).attr().at("explicit_paddings").has_list());
  EXPECT_EQ(gd.node(0).attr().at("shape").shape().dim(0).size(), -1);
}

TEST(GraphDefWriter, DeterministicAndRoundTrips) {
  auto a = serialize_graphdef(conv_graph());
  auto b = serialize_graphdef(conv_graph());
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_TRUE(*a == *b);
  auto g = parse_graphdef(*a, "mem");
  ASSERT_TRUE(g.ok()) << g.status().message();
  auto c = serialize_graphdef(*g);
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(*a == *c);
  const auto* conv = g->find("conv");
  ASSERT_NE(conv, nullptr);
  EXPECT_TRUE(conv->attr("explicit_paddings")->equals(AttrValue::of_ints({})));
}

TEST(GraphDefWriter, KeepsVersionsLibraryAndOpaqueAttrs) {
  graph::Graph g = conv_graph();
  tfproto::VersionDef v;
  v.set_producer(1);
  v.add_bad_consumers(9);
  g.versions_bytes = v.SerializeAsString();
  g.producer_version = 30;  // the int field wins over the bytes
  g.min_consumer_version = 12;
  g.library_bytes = std::string("\x0a\x00", 2);
  tfproto::AttrValue func;
  func.set_func(std::string("\x0a\x02""fn", 4));
  AttrValue opaque;
  opaque.kind = AttrValue::Kind::kOpaque;
  opaque.opaque = func.SerializeAsString();
  g.find("conv")->attrs["_f"] = opaque;
  auto bytes = serialize_graphdef(g);
  ASSERT_TRUE(bytes.ok());
  tfproto::GraphDef gd;
  ASSERT_TRUE(gd.ParseFromString(*bytes));
  EXPECT_EQ(gd.versions().producer(), 30);
  EXPECT_EQ(gd.versions().min_consumer(), 12);
  EXPECT_EQ(gd.versions().bad_consumers(0), 9);
  EXPECT_EQ(gd.library(), g.library_bytes);
  EXPECT_EQ(gd.node(2).attr().at("_f").SerializeAsString(), opaque.opaque);
}

TEST(GraphDefWriter, WritesAtomicallyAndReportsThePath) {
  const std::string dir = amct::testing::make_temp_dir("writer");
  const std::string path = dir + "/out.pb";
  ASSERT_TRUE(write_graphdef(path, conv_graph()).is_ok());
  auto back = read_graphdef(path);
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(back->size(), 3u);
  // The parent "directory" is a file: the write fails and says where.
  Status st = write_graphdef(path + "/inner.pb", conv_graph());
  ASSERT_FALSE(st.is_ok());
  EXPECT_NE(st.message().find(path + "/inner.pb"), std::string::npos) << st.message();
  for (const auto& e : std::filesystem::directory_iterator(dir))
    EXPECT_EQ(e.path().filename(), "out.pb");  // no temporary left behind
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace amct::tf
