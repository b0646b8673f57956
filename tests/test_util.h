// Helpers shared by tests: where the real assets are, reading raw float files.
#pragma once

#include <string>
#include <vector>

namespace amct::testing {

// ../shared/assets next to the checkout (AMCT_ASSETS_DIR overrides at run time).
std::string assets_dir();
std::string asset(const std::string& relative);
std::vector<float> read_floats(const std::string& path);
// A fresh empty directory under the system temp dir, unique per call.
std::string make_temp_dir(const std::string& tag);

}  // namespace amct::testing
