#include "workflows/auto_calibration/python_json.h"

#include <fmt/format.h>

#include <cmath>

namespace amct::workflows::auto_calibration {
namespace {

void put_string(const std::string& s, std::string* out) {
  out->push_back('"');
  for (unsigned char c : s) {
    switch (c) {
      case '"': *out += "\\\""; break;
      case '\\': *out += "\\\\"; break;
      case '\n': *out += "\\n"; break;
      case '\r': *out += "\\r"; break;
      case '\t': *out += "\\t"; break;
      case '\b': *out += "\\b"; break;
      case '\f': *out += "\\f"; break;
      default:
        if (c < 0x20)
          *out += fmt::format("\\u{:04x}", c);
        else
          out->push_back(static_cast<char>(c));  // ensure_ascii=False: UTF-8 as is
    }
  }
  out->push_back('"');
}

void dump(const nlohmann::ordered_json& v, int indent, int depth, std::string* out) {
  const std::string pad(static_cast<size_t>(indent * (depth + 1)), ' ');
  const std::string close_pad(static_cast<size_t>(indent * depth), ' ');
  switch (v.type()) {
    case nlohmann::json::value_t::null: *out += "null"; break;
    case nlohmann::json::value_t::boolean: *out += v.get<bool>() ? "true" : "false"; break;
    case nlohmann::json::value_t::number_integer: *out += std::to_string(v.get<int64_t>()); break;
    case nlohmann::json::value_t::number_unsigned: *out += std::to_string(v.get<uint64_t>()); break;
    case nlohmann::json::value_t::number_float: *out += python_float_repr(v.get<double>()); break;
    case nlohmann::json::value_t::string: put_string(v.get_ref<const std::string&>(), out); break;
    case nlohmann::json::value_t::array: {
      if (v.empty()) {
        *out += "[]";
        break;
      }
      *out += "[\n";
      bool first = true;
      for (const auto& item : v) {
        if (!first) *out += ",\n";
        first = false;
        *out += pad;
        dump(item, indent, depth + 1, out);
      }
      *out += "\n" + close_pad + "]";
      break;
    }
    case nlohmann::json::value_t::object: {
      if (v.empty()) {
        *out += "{}";
        break;
      }
      *out += "{\n";
      bool first = true;
      for (const auto& item : v.items()) {
        if (!first) *out += ",\n";
        first = false;
        *out += pad;
        put_string(item.key(), out);
        *out += ":";
        dump(item.value(), indent, depth + 1, out);
      }
      *out += "\n" + close_pad + "}";
      break;
    }
    default: *out += "null"; break;  // binary / discarded: not produced here
  }
}

}  // namespace

std::string python_float_repr(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  // fmt's "{}" gives the shortest round-trip digits (as repr does); lay them
  // out like Python: exponent form when the decimal exponent is < -4 or >= 16,
  // else positional with at least ".0".
  const std::string shortest = fmt::format("{}", v);
  std::string mant = shortest;
  int exp10 = 0;
  const size_t e = mant.find_first_of("eE");
  if (e != std::string::npos) {
    exp10 = std::stoi(mant.substr(e + 1));
    mant = mant.substr(0, e);
  }
  const bool neg = !mant.empty() && mant[0] == '-';
  if (neg) mant.erase(0, 1);
  // Split into significant digits and the position of the decimal point.
  std::string sig;
  int point = 0;  // digits before the decimal point in sig
  const size_t dot = mant.find('.');
  if (dot == std::string::npos) {
    sig = mant;
    point = static_cast<int>(mant.size());
  } else {
    sig = mant.substr(0, dot) + mant.substr(dot + 1);
    point = static_cast<int>(dot);
  }
  point += exp10;
  size_t lead = 0;
  while (lead + 1 < sig.size() && sig[lead] == '0') {
    ++lead;
    --point;
  }
  sig.erase(0, lead);
  while (sig.size() > 1 && sig.back() == '0') sig.pop_back();
  if (sig == "0") point = 1;
  const int sci = point - 1;  // exponent of the first significant digit
  std::string out = neg ? "-" : "";
  if (sig != "0" && (sci < -4 || sci >= 16)) {
    out += sig.substr(0, 1);
    if (sig.size() > 1) out += "." + sig.substr(1);
    out += fmt::format("e{}{:02d}", sci < 0 ? '-' : '+', std::abs(sci));
    return out;
  }
  if (point <= 0) {
    out += "0." + std::string(static_cast<size_t>(-point), '0') + sig;
  } else if (static_cast<size_t>(point) >= sig.size()) {
    out += sig + std::string(static_cast<size_t>(point) - sig.size(), '0') + ".0";
  } else {
    out += sig.substr(0, static_cast<size_t>(point)) + "." + sig.substr(static_cast<size_t>(point));
  }
  return out;
}

std::string python_json_dumps(const nlohmann::ordered_json& value, int indent) {
  std::string out;
  dump(value, indent, 0, &out);
  return out;
}

}  // namespace amct::workflows::auto_calibration
