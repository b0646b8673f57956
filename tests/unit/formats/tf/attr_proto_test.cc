#include "formats/tf/attr_proto.h"

#include <gtest/gtest.h>

namespace amct::tf {
namespace {

using graph::AttrValue;

// proto -> AttrValue -> proto -> AttrValue must be equal both ways.
AttrValue round_trip(const tfproto::AttrValue& p) {
  auto a = attr_from_proto(p);
  EXPECT_TRUE(a.ok()) << a.status().message();
  tfproto::AttrValue back;
  EXPECT_TRUE(attr_to_proto(a.value(), &back).is_ok());
  EXPECT_EQ(back.SerializeAsString(), p.SerializeAsString());
  auto again = attr_from_proto(back);
  EXPECT_TRUE(again.ok());
  EXPECT_TRUE(again->equals(a.value()));
  return a.value();
}

TEST(AttrProto, ScalarKinds) {
  tfproto::AttrValue p;
  p.set_s("NHWC");
  EXPECT_EQ(round_trip(p).s, "NHWC");
  p.set_i(-3);
  EXPECT_EQ(round_trip(p).i, -3);
  p.set_f(0.001f);
  EXPECT_EQ(round_trip(p).f, 0.001f);
  p.set_b(true);
  EXPECT_TRUE(round_trip(p).b);
  p.set_type(3);
  EXPECT_EQ(round_trip(p).type, graph::DataType::kInt32);
  p.set_type(14);  // bfloat16: a real TF type amct does not compute with
  EXPECT_EQ(static_cast<int>(round_trip(p).type), 14);
  EXPECT_EQ(round_trip(tfproto::AttrValue()).kind, AttrValue::Kind::kNone);
}

TEST(AttrProto, Shapes) {
  tfproto::AttrValue p;
  auto* s = p.mutable_shape();
  s->add_dim()->set_size(-1);
  s->add_dim()->set_size(224);
  AttrValue a = round_trip(p);
  EXPECT_EQ(a.kind, AttrValue::Kind::kShape);
  EXPECT_EQ(a.shape.dims, (graph::Shape{-1, 224}));
  tfproto::AttrValue u;
  u.mutable_shape()->set_unknown_rank(true);
  EXPECT_TRUE(round_trip(u).shape.unknown_rank);
  tfproto::AttrValue bad;
  bad.mutable_shape()->add_dim()->set_size(-2);
  EXPECT_FALSE(attr_from_proto(bad).ok());
}

TEST(AttrProto, ListsIncludingEmpty) {
  tfproto::AttrValue empty;
  empty.mutable_list();
  AttrValue e = round_trip(empty);
  EXPECT_EQ(e.kind, AttrValue::Kind::kList);
  EXPECT_TRUE(e.list.i.empty());

  tfproto::AttrValue p;
  auto* l = p.mutable_list();
  l->add_i(1);
  l->add_i(2);
  l->add_f(0.5f);
  l->add_s("a");
  l->add_b(true);
  l->add_type(1);
  l->add_shape()->add_dim()->set_size(3);
  auto* t = l->add_tensor();
  t->set_dtype(1);
  t->mutable_tensor_shape()->add_dim()->set_size(1);
  t->set_tensor_content(std::string(4, '\0'));
  AttrValue a = round_trip(p);
  EXPECT_EQ(a.list.i, (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(a.list.tensor.size(), 1u);
  EXPECT_EQ(a.list.shape[0].dims, (graph::Shape{3}));
}

TEST(AttrProto, UnmodelledKindsStayOpaqueAndByteIdentical) {
  tfproto::AttrValue func;
  func.set_func(std::string("\x0a\x03""fn1", 5));  // NameAttrList{name: "fn1"}
  tfproto::AttrValue placeholder;
  placeholder.set_placeholder("T");
  tfproto::AttrValue funcs;
  funcs.mutable_list()->add_func(std::string("\x0a\x01""f", 3));
  tfproto::AttrValue strings;
  auto* t = strings.mutable_tensor();
  t->set_dtype(7);
  t->add_string_val("hello");
  for (const auto* p : {&func, &placeholder, &funcs, &strings}) {
    auto a = attr_from_proto(*p);
    ASSERT_TRUE(a.ok());
    EXPECT_EQ(a->kind, AttrValue::Kind::kOpaque);
    tfproto::AttrValue back;
    ASSERT_TRUE(attr_to_proto(a.value(), &back).is_ok());
    EXPECT_EQ(back.SerializeAsString(), p->SerializeAsString());
  }
}

TEST(AttrProto, Errors) {
  tfproto::AttrValue p;
  p.set_type(4242);
  EXPECT_EQ(attr_from_proto(p).status().message(), "unknown dtype 4242");
  tfproto::AttrValue t;
  t.mutable_tensor()->set_dtype(1);
  t.mutable_tensor()->mutable_tensor_shape()->add_dim()->set_size(2);
  t.mutable_tensor()->set_tensor_content("abc");
  EXPECT_FALSE(attr_from_proto(t).ok());
  AttrValue junk;
  junk.kind = AttrValue::Kind::kOpaque;
  junk.opaque = "\xff\xff\xff";
  tfproto::AttrValue out;
  EXPECT_FALSE(attr_to_proto(junk, &out).is_ok());
}

}  // namespace
}  // namespace amct::tf
