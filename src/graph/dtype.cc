#include "graph/dtype.h"

namespace amct::graph {

size_t dtype_size(DataType t) {
  switch (t) {
    case DataType::kFloat: return 4;
    case DataType::kDouble: return 8;
    case DataType::kInt32: return 4;
    case DataType::kUInt8: return 1;
    case DataType::kInt16: return 2;
    case DataType::kInt8: return 1;
    case DataType::kInt64: return 8;
    case DataType::kBool: return 1;
    case DataType::kQInt8: return 1;
    case DataType::kQUInt8: return 1;
    case DataType::kQInt32: return 4;
    case DataType::kHalf: return 2;
    case DataType::kUInt32: return 4;
    case DataType::kUInt64: return 8;
    case DataType::kString:
    case DataType::kInvalid: return 0;
  }
  return 0;
}

std::string dtype_name(DataType t) {
  switch (t) {
    case DataType::kFloat: return "float32";
    case DataType::kDouble: return "float64";
    case DataType::kInt32: return "int32";
    case DataType::kUInt8: return "uint8";
    case DataType::kInt16: return "int16";
    case DataType::kInt8: return "int8";
    case DataType::kInt64: return "int64";
    case DataType::kBool: return "bool";
    case DataType::kQInt8: return "qint8";
    case DataType::kQUInt8: return "quint8";
    case DataType::kQInt32: return "qint32";
    case DataType::kHalf: return "float16";
    case DataType::kUInt32: return "uint32";
    case DataType::kUInt64: return "uint64";
    case DataType::kString: return "string";
    case DataType::kInvalid: return "invalid";
  }
  return "dtype(" + std::to_string(static_cast<int>(t)) + ")";
}

bool dtype_is_known(int v) {
  switch (v) {
    case 1: case 2: case 3: case 4: case 5: case 6: case 7: case 9: case 10:
    case 11: case 12: case 13: case 19: case 22: case 23:
      return true;
    default:
      return false;
  }
}

}  // namespace amct::graph
