// The JPEG folder (labels.csv) and the TFRecord shards of imagenet_val_1300
// are the same dataset; a plain folder reads in file-name order.
#include <gtest/gtest.h>

#include "data/dataset.h"
#include "data/image.h"
#include "test_util.h"

namespace amct::data {
namespace {

TEST(DataDatasets, JpegFolderAndTFRecordsAgree) {
  auto jpeg = open_dataset(amct::testing::asset("imagenet_val_1300"));
  ASSERT_TRUE(jpeg.ok()) << jpeg.status().message();
  auto records = open_dataset(amct::testing::asset("imagenet_val_1300/tfrecord"), "validation");
  ASSERT_TRUE(records.ok()) << records.status().message();
  ASSERT_EQ((*jpeg)->size(), 1300u);
  ASSERT_EQ((*records)->size(), 1300u);
  for (size_t i = 0; i < 1300; ++i) {
    auto a = (*jpeg)->get(i);
    auto b = (*records)->get(i);
    ASSERT_TRUE(a.ok()) << a.status().message();
    ASSERT_TRUE(b.ok()) << b.status().message();
    ASSERT_EQ(a->name, b->name) << i;
    ASSERT_EQ(a->label, b->label) << i;
    ASSERT_GE(a->label, 1);
    ASSERT_LE(a->label, 1000);
    ASSERT_EQ(a->encoded, b->encoded) << i;  // TFRECORD.md: the JPEG file byte for byte
  }
  for (size_t i : {size_t{0}, size_t{1}, size_t{649}, size_t{650}, size_t{1299}}) {
    auto a = decode_image((*jpeg)->get(i)->encoded, "jpeg");
    auto b = decode_image((*records)->get(i)->encoded, "record");
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_EQ(a->width, 227);
    EXPECT_EQ(a->height, 227);
    EXPECT_EQ(a->pixels, b->pixels) << i;
  }
}

TEST(DataDatasets, BatchesFromBothSourcesAreIdentical) {
  auto jpeg = open_dataset(amct::testing::asset("imagenet_val_1300"));
  auto records = open_dataset(amct::testing::asset("imagenet_val_1300/tfrecord"));
  ASSERT_TRUE(jpeg.ok() && records.ok());
  std::vector<int64_t> la, lb;
  auto a = load_batch(**jpeg, 640, 20, Preprocess::kSample, 224, 224, &la);  // spans both shards
  auto b = load_batch(**records, 640, 20, Preprocess::kSample, 224, 224, &lb);
  ASSERT_TRUE(a.ok()) << a.status().message();
  ASSERT_TRUE(b.ok()) << b.status().message();
  EXPECT_TRUE(a->equals(*b));
  EXPECT_EQ(la, lb);
}

TEST(DataDatasets, CalibrationFolderIsSortedImagesOnly) {
  auto ds = open_dataset(amct::testing::asset("calibration_32"));
  ASSERT_TRUE(ds.ok()) << ds.status().message();
  ASSERT_EQ((*ds)->size(), 32u);  // README.md skipped
  std::string previous;
  for (size_t i = 0; i < 32; ++i) {
    auto s = (*ds)->get(i);
    ASSERT_TRUE(s.ok());
    EXPECT_EQ(s->label, -1);
    EXPECT_LT(previous, s->name);
    previous = s->name;
  }
  EXPECT_EQ((*ds)->get(0)->name, "ILSVRC2012_val_00000347.JPEG");
}

}  // namespace
}  // namespace amct::data
