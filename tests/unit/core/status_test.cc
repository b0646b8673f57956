#include "core/status.h"

#include <gtest/gtest.h>

namespace amct {
namespace {

Expected<int> half(int x) {
  if (x % 2) return error("{} is odd", x);
  return x / 2;
}

Status quarter(int x, int* out) {
  AMCT_ASSIGN_OR_RETURN(int h, half(x));
  AMCT_ASSIGN_OR_RETURN(*out, half(h));
  return Status::ok();
}

TEST(Status, OkAndErrorPropagate) {
  int out = 0;
  EXPECT_TRUE(quarter(8, &out).is_ok());
  EXPECT_EQ(out, 2);
  Status s = quarter(6, &out);
  ASSERT_FALSE(s.is_ok());
  EXPECT_EQ(s.message(), "3 is odd");
  EXPECT_EQ(s.with_context("m.pb").message(), "m.pb: 3 is odd");
}

}  // namespace
}  // namespace amct
