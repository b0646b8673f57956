#include "formats/tf/graphdef_writer.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <limits>

#include "core/atomic_write.h"
#include "formats/tf/attr_proto.h"
#include "formats/tf/proto/graph.pb.h"

namespace amct::tf {
namespace {

Status node_to_proto(const graph::Node& n, tfproto::NodeDef* nd) {
  nd->set_name(n.name);
  nd->set_op(n.op);
  if (!n.device.empty()) nd->set_device(n.device);
  for (const auto& in : n.inputs) nd->add_input(in);
  auto* attrs = nd->mutable_attr();
  for (const auto& [key, value] : n.attrs) {
    Status st = attr_to_proto(value, &(*attrs)[key]);
    if (!st.is_ok()) return error("{}: attribute '{}': {}", n.describe(), key, st.message());
  }
  return Status::ok();
}

Status versions_to_proto(const graph::Graph& g, tfproto::GraphDef* gd) {
  if (g.versions_bytes.empty() && g.producer_version == 0 && g.min_consumer_version == 0)
    return Status::ok();
  auto* v = gd->mutable_versions();
  if (!g.versions_bytes.empty() && !v->ParseFromString(g.versions_bytes))
    return error("graph versions bytes do not parse as a VersionDef");
  // The int fields win: passes may update them without touching the bytes.
  v->set_producer(g.producer_version);
  v->set_min_consumer(g.min_consumer_version);
  return Status::ok();
}

}  // namespace

Expected<std::string> serialize_graphdef(const graph::Graph& g) {
  tfproto::GraphDef gd;
  for (size_t i = 0; i < g.size(); ++i) AMCT_RETURN_IF_ERROR(node_to_proto(g.node(i), gd.add_node()));
  AMCT_RETURN_IF_ERROR(versions_to_proto(g, &gd));
  if (!g.library_bytes.empty()) gd.set_library(g.library_bytes);

  const size_t size = gd.ByteSizeLong();
  if (size > static_cast<size_t>(std::numeric_limits<int>::max()))
    return error("the graph serializes to {} bytes, over protobuf's 2 GiB limit", size);
  std::string out;
  out.reserve(size);
  {
    google::protobuf::io::StringOutputStream raw(&out);
    google::protobuf::io::CodedOutputStream coded(&raw);
    coded.SetSerializationDeterministic(true);
    gd.SerializeWithCachedSizes(&coded);
    if (coded.HadError()) return error("serializing the GraphDef failed");
  }
  return out;
}

Status write_graphdef(const std::string& path, const graph::Graph& g) {
  auto bytes = serialize_graphdef(g);
  if (!bytes.ok()) return bytes.status().with_context(path);
  return write_file_atomic(path, bytes.value());
}

}  // namespace amct::tf
