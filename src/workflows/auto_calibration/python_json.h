// JSON text exactly as Python's json.dumps(obj, indent=4, separators=(',', ':'),
// ensure_ascii=False) writes it: AMCT writes its auto-calibration files so.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace amct::workflows::auto_calibration {

std::string python_json_dumps(const nlohmann::ordered_json& value, int indent = 4);
// Python's repr of a float (shortest round-trip; "1.0", "1e-05", "inf" as Infinity).
std::string python_float_repr(double v);

}  // namespace amct::workflows::auto_calibration
