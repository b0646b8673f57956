// tf.train.Example <-> a plain map of named features (bytes, float or int64 lists).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/status.h"

namespace amct::tfrecord {

struct Feature {
  enum class Kind { kNone, kBytes, kFloat, kInt64 };  // kNone: the oneof was not set
  Kind kind = Kind::kNone;
  std::vector<std::string> bytes;
  std::vector<float> floats;
  std::vector<int64_t> int64s;
};

const char* feature_kind_name(Feature::Kind kind);

struct Example {
  std::map<std::string, Feature> features;
  const Feature* find(const std::string& key) const;
};

// Parses a serialized tf.train.Example; errors name `source` (e.g. "file: record 3").
Expected<Example> parse_example(const std::string& serialized, const std::string& source);
// Deterministic serialization (sorted keys), as TF's writers produce.
std::string serialize_example(const Example& example);

// Typed lookups of a feature's first value: false when the key is missing; an
// error when it holds another kind or an empty list. take_bytes moves the value out.
Expected<bool> get_bytes(const Example& example, const std::string& key, const std::string& source,
                         std::string* out);
Expected<bool> take_bytes(Example* example, const std::string& key, const std::string& source,
                          std::string* out);
Expected<bool> get_int64(const Example& example, const std::string& key, const std::string& source,
                         int64_t* out);

}  // namespace amct::tfrecord
