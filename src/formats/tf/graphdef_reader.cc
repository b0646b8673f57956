#include "formats/tf/graphdef_reader.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <limits>

#include "core/atomic_write.h"
#include "formats/tf/attr_proto.h"
#include "formats/tf/proto/graph.pb.h"
#include "graph/validate.h"

namespace amct::tf {
namespace {

Expected<graph::Node> node_from_proto(const tfproto::NodeDef& nd) {
  graph::Node n;
  n.name = nd.name();
  n.op = nd.op();
  n.device = nd.device();
  n.inputs.assign(nd.input().begin(), nd.input().end());
  for (const auto& [key, value] : nd.attr()) {
    auto a = attr_from_proto(value);
    if (!a.ok())
      return error("{}: attribute '{}': {}", n.describe(), key, a.status().message());
    n.attrs.emplace(key, std::move(a).value());
  }
  return n;
}

}  // namespace

Expected<graph::Graph> parse_graphdef(const std::string& bytes, const std::string& source_name) {
  if (bytes.size() > static_cast<size_t>(std::numeric_limits<int>::max()))
    return error("{}: not a valid GraphDef: {} bytes exceeds protobuf's 2 GiB limit", source_name,
                 bytes.size());
  tfproto::GraphDef gd;
  {
    google::protobuf::io::ArrayInputStream raw(bytes.data(), static_cast<int>(bytes.size()));
    google::protobuf::io::CodedInputStream in(&raw);
    // The default limit is 64 MiB in some protobuf builds; models reach 2 GiB.
    in.SetTotalBytesLimit(std::numeric_limits<int>::max());
    if (!gd.ParseFromCodedStream(&in) || !in.ConsumedEntireMessage())
      return error("{}: not a valid GraphDef (truncated or corrupt protobuf)", source_name);
  }
  if (gd.node_size() == 0) return error("{}: not a valid GraphDef (no nodes)", source_name);

  graph::Graph g;
  for (const auto& nd : gd.node()) {
    auto n = node_from_proto(nd);
    if (!n.ok()) return n.status().with_context(source_name);
    Status st = g.add_node(std::move(n).value());
    if (!st.is_ok()) return st.with_context(source_name);
  }
  if (gd.has_versions()) {
    g.producer_version = gd.versions().producer();
    g.min_consumer_version = gd.versions().min_consumer();
    gd.versions().SerializeToString(&g.versions_bytes);
  }
  g.library_bytes = gd.library();
  Status st = graph::validate(g);
  if (!st.is_ok()) return st.with_context(source_name);
  return g;
}

Expected<graph::Graph> read_graphdef(const std::string& path) {
  auto bytes = read_file(path);
  if (!bytes.ok()) return bytes.status();
  return parse_graphdef(bytes.value(), path);
}

}  // namespace amct::tf
