#include "workflows/auto_calibration/python_json.h"

#include <gtest/gtest.h>

namespace amct::workflows::auto_calibration {
namespace {

using ojson = nlohmann::ordered_json;

TEST(PythonJson, FloatReprMatchesPython) {
  EXPECT_EQ(python_float_repr(1.0), "1.0");
  EXPECT_EQ(python_float_repr(0.1), "0.1");
  EXPECT_EQ(python_float_repr(-2.5), "-2.5");
  EXPECT_EQ(python_float_repr(0.0), "0.0");
  EXPECT_EQ(python_float_repr(100.0), "100.0");
  EXPECT_EQ(python_float_repr(1e-05), "1e-05");
  EXPECT_EQ(python_float_repr(0.0001), "0.0001");
  EXPECT_EQ(python_float_repr(1.5e-07), "1.5e-07");
  EXPECT_EQ(python_float_repr(1e16), "1e+16");
  EXPECT_EQ(python_float_repr(1234567890123456.0), "1234567890123456.0");
  EXPECT_EQ(python_float_repr(0.9899999999999949), "0.9899999999999949");
  EXPECT_EQ(python_float_repr(79.53846153846153), "79.53846153846153");
  EXPECT_EQ(python_float_repr(70.85 - 71.84), "-0.9900000000000091");
}

TEST(PythonJson, LayoutIsIndentFourWithoutSpaceAfterColon) {
  ojson v = ojson::object();
  v["a"] = ojson::array({"x", 0.5});
  v["b"] = ojson::object({{"c", true}});
  v["e"] = ojson::array();
  v["f"] = ojson::object();
  v["g"] = 3;
  EXPECT_EQ(python_json_dumps(v),
            "{\n    \"a\":[\n        \"x\",\n        0.5\n    ],\n    \"b\":{\n        \"c\":true\n    },\n"
            "    \"e\":[],\n    \"f\":{},\n    \"g\":3\n}");
}

TEST(PythonJson, StringsAreEscapedButNotAsciiFolded) {
  EXPECT_EQ(python_json_dumps(ojson("a\"b\\c\nd\x01")), "\"a\\\"b\\\\c\\nd\\u0001\"");
  EXPECT_EQ(python_json_dumps(ojson("层")), "\"层\"");
}

}  // namespace
}  // namespace amct::workflows::auto_calibration
