#include "formats/tfrecord/example.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include "formats/tfrecord/example.pb.h"

namespace amct::tfrecord {

const char* feature_kind_name(Feature::Kind kind) {
  switch (kind) {
    case Feature::Kind::kBytes: return "bytes_list";
    case Feature::Kind::kFloat: return "float_list";
    case Feature::Kind::kInt64: return "int64_list";
    case Feature::Kind::kNone: break;
  }
  return "empty";
}

const Feature* Example::find(const std::string& key) const {
  const auto it = features.find(key);
  return it == features.end() ? nullptr : &it->second;
}

Expected<Example> parse_example(const std::string& serialized, const std::string& source) {
  tfexample::Example proto;
  if (!proto.ParseFromString(serialized))
    return error("{}: not a valid tf.train.Example ({} bytes)", source, serialized.size());
  Example out;
  for (auto& [key, feature] : *proto.mutable_features()->mutable_feature()) {
    Feature f;
    switch (feature.kind_case()) {
      case tfexample::Feature::kBytesList: {
        f.kind = Feature::Kind::kBytes;
        auto* values = feature.mutable_bytes_list()->mutable_value();
        f.bytes.reserve(static_cast<size_t>(values->size()));
        for (auto& v : *values) f.bytes.push_back(std::move(v));  // moves the image bytes, no copy
        break;
      }
      case tfexample::Feature::kFloatList:
        f.kind = Feature::Kind::kFloat;
        f.floats.assign(feature.float_list().value().begin(), feature.float_list().value().end());
        break;
      case tfexample::Feature::kInt64List:
        f.kind = Feature::Kind::kInt64;
        f.int64s.assign(feature.int64_list().value().begin(), feature.int64_list().value().end());
        break;
      case tfexample::Feature::KIND_NOT_SET:
        break;
    }
    out.features.emplace(key, std::move(f));
  }
  return out;
}

std::string serialize_example(const Example& example) {
  tfexample::Example proto;
  auto* map = proto.mutable_features()->mutable_feature();
  for (const auto& [key, f] : example.features) {
    tfexample::Feature& p = (*map)[key];
    switch (f.kind) {
      case Feature::Kind::kBytes:
        for (const auto& v : f.bytes) p.mutable_bytes_list()->add_value(v);
        if (f.bytes.empty()) p.mutable_bytes_list();
        break;
      case Feature::Kind::kFloat:
        p.mutable_float_list()->mutable_value()->Add(f.floats.begin(), f.floats.end());
        break;
      case Feature::Kind::kInt64:
        p.mutable_int64_list()->mutable_value()->Add(f.int64s.begin(), f.int64s.end());
        break;
      case Feature::Kind::kNone:
        break;
    }
  }
  std::string out;
  {
    google::protobuf::io::StringOutputStream stream(&out);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    proto.SerializeToCodedStream(&coded);
  }
  return out;
}

namespace {

Expected<const Feature*> find_single(const Example& example, const std::string& key,
                                     const std::string& source, Feature::Kind kind) {
  const Feature* f = example.find(key);
  if (f == nullptr) return static_cast<const Feature*>(nullptr);
  if (f->kind != kind)
    return error("{}: feature '{}' is a {}, expected a {}", source, key, feature_kind_name(f->kind),
                 feature_kind_name(kind));
  const size_t n = kind == Feature::Kind::kBytes ? f->bytes.size() : f->int64s.size();
  if (n == 0) return error("{}: feature '{}' has no value", source, key);
  return f;
}

}  // namespace

Expected<bool> get_bytes(const Example& example, const std::string& key, const std::string& source,
                         std::string* out) {
  AMCT_ASSIGN_OR_RETURN(const Feature* f, find_single(example, key, source, Feature::Kind::kBytes));
  if (f == nullptr) return false;
  *out = f->bytes.front();
  return true;
}

Expected<bool> take_bytes(Example* example, const std::string& key, const std::string& source,
                          std::string* out) {
  AMCT_ASSIGN_OR_RETURN(const Feature* f, find_single(*example, key, source, Feature::Kind::kBytes));
  if (f == nullptr) return false;
  *out = std::move(example->features[key].bytes.front());
  return true;
}

Expected<bool> get_int64(const Example& example, const std::string& key, const std::string& source,
                         int64_t* out) {
  AMCT_ASSIGN_OR_RETURN(const Feature* f, find_single(example, key, source, Feature::Kind::kInt64));
  if (f == nullptr) return false;
  *out = f->int64s.front();
  return true;
}

}  // namespace amct::tfrecord
