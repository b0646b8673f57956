#include "data/dataset.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "formats/tfrecord/example.h"
#include "formats/tfrecord/tfrecord_reader.h"
#include "test_util.h"
#include "unit/data/test_images.h"

namespace amct::data {
namespace {

using namespace amct::testing;

void write(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

std::string solid_bmp(uint8_t v) { return make_bmp24(4, 4, std::vector<uint8_t>(4 * 4 * 3, v)); }

std::string image_record(const std::string& encoded, int64_t label, const std::string& name) {
  tfrecord::Example ex;
  ex.features["image/encoded"].kind = tfrecord::Feature::Kind::kBytes;
  ex.features["image/encoded"].bytes = {encoded};
  ex.features["image/class/label"].kind = tfrecord::Feature::Kind::kInt64;
  ex.features["image/class/label"].int64s = {label};
  ex.features["image/filename"].kind = tfrecord::Feature::Kind::kBytes;
  ex.features["image/filename"].bytes = {name};
  return tfrecord::frame_record(tfrecord::serialize_example(ex));
}

TEST(OpenDataset, LabelsCsvFolder) {
  const std::string dir = make_temp_dir("ds_csv");
  std::filesystem::create_directories(dir + "/images");
  write(dir + "/images/b.bmp", solid_bmp(10));
  write(dir + "/images/a.bmp", solid_bmp(20));
  write(dir + "/labels.csv", "file,label,name\nimages/b.bmp,7,\"x, y\"\nimages/a.bmp,3,z\n");
  auto ds = open_dataset(dir);
  ASSERT_TRUE(ds.ok()) << ds.status().message();
  ASSERT_EQ((*ds)->size(), 2u);
  auto s0 = (*ds)->get(0);
  ASSERT_TRUE(s0.ok());
  EXPECT_EQ(s0->name, "b.bmp");  // csv order, not sorted
  EXPECT_EQ(s0->label, 7);
  EXPECT_EQ(s0->encoded, solid_bmp(10));
  EXPECT_NE((*ds)->describe().find("labels.csv"), std::string::npos);
  // The csv itself works as the path too.
  auto direct = open_dataset(dir + "/labels.csv");
  ASSERT_TRUE(direct.ok());
  EXPECT_EQ((*direct)->size(), 2u);
}

TEST(OpenDataset, TFRecordFolderWithKeyword) {
  const std::string dir = make_temp_dir("ds_tfr");
  write(dir + "/validation-00000-of-00002", image_record(solid_bmp(1), 5, "one.bmp") + image_record(solid_bmp(2), 6, "two.bmp"));
  write(dir + "/validation-00001-of-00002", image_record(solid_bmp(3), 7, "three.bmp"));
  write(dir + "/train-00000-of-00001", image_record(solid_bmp(4), 8, "four.bmp"));
  write(dir + "/README.md", "notes");
  auto all = open_dataset(dir);
  ASSERT_TRUE(all.ok()) << all.status().message();
  EXPECT_EQ((*all)->size(), 4u);
  auto val = open_dataset(dir, "validation");
  ASSERT_TRUE(val.ok()) << val.status().message();
  ASSERT_EQ((*val)->size(), 3u);
  auto s2 = (*val)->get(2);
  ASSERT_TRUE(s2.ok()) << s2.status().message();
  EXPECT_EQ(s2->name, "three.bmp");
  EXPECT_EQ(s2->label, 7);
  EXPECT_EQ(s2->encoded, solid_bmp(3));
  EXPECT_NE(s2->source.find("validation-00001-of-00002: record 0"), std::string::npos) << s2->source;
  // A single file.
  auto one = open_dataset(dir + "/train-00000-of-00001");
  ASSERT_TRUE(one.ok());
  EXPECT_EQ((*one)->size(), 1u);
}

TEST(OpenDataset, PlainImageFolderSortedAndUnlabeled) {
  const std::string dir = make_temp_dir("ds_plain");
  write(dir + "/b.BMP", solid_bmp(1));
  write(dir + "/a.bmp", solid_bmp(2));
  write(dir + "/c.png", make_png(2, 2, PNG_FORMAT_GRAY, {1, 2, 3, 4}));
  write(dir + "/README.md", "not an image");
  write(dir + "/.hidden.bmp", solid_bmp(3));
  auto ds = open_dataset(dir);
  ASSERT_TRUE(ds.ok()) << ds.status().message();
  ASSERT_EQ((*ds)->size(), 3u);
  EXPECT_EQ((*ds)->get(0)->name, "a.bmp");
  EXPECT_EQ((*ds)->get(1)->name, "b.BMP");
  EXPECT_EQ((*ds)->get(2)->name, "c.png");
  EXPECT_EQ((*ds)->get(0)->label, -1);
  EXPECT_FALSE((*ds)->get(3).ok());
}

TEST(OpenDataset, MissingAndEmpty) {
  const std::string dir = make_temp_dir("ds_empty");
  auto empty = open_dataset(dir);
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.status().message().find("empty folder"), std::string::npos);
  write(dir + "/notes.txt", "x");
  auto nothing = open_dataset(dir);
  ASSERT_FALSE(nothing.ok());
  EXPECT_NE(nothing.status().message().find("no labels.csv, TFRecord files or images"), std::string::npos);
  auto missing = open_dataset(dir + "/nope");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("nope: no such file or folder"), std::string::npos);
}

TEST(LoadBatch, DecodesPreprocessesAndReturnsLabels) {
  const std::string dir = make_temp_dir("ds_batch");
  write(dir + "/r", image_record(solid_bmp(0), 5, "a") + image_record(solid_bmp(255), 6, "b") +
                        image_record(solid_bmp(64), 9, "c"));
  auto ds = open_dataset(dir + "/r");
  ASSERT_TRUE(ds.ok()) << ds.status().message();
  std::vector<int64_t> labels;
  auto batch = load_batch(**ds, 1, 2, Preprocess::kSample, 3, 5, &labels);
  ASSERT_TRUE(batch.ok()) << batch.status().message();
  EXPECT_EQ(batch->shape(), (graph::Shape{2, 3, 5, 3}));
  EXPECT_EQ(labels, (std::vector<int64_t>{6, 9}));
  const float* x = batch->data<float>();
  EXPECT_EQ(x[0], 255 / 128.f - 1.f);
  EXPECT_EQ(x[3 * 5 * 3], -0.5f);
  EXPECT_FALSE(load_batch(**ds, 2, 2, Preprocess::kSlim, 3, 5, nullptr).ok());
  EXPECT_FALSE(load_batch(**ds, 0, 0, Preprocess::kSlim, 3, 5, nullptr).ok());
  EXPECT_FALSE(load_batch(**ds, 0, 1, Preprocess::kSlim, 0, 5, nullptr).ok());
}

TEST(LoadBatch, BadImageNamesItsSource) {
  const std::string dir = make_temp_dir("ds_badimg");
  write(dir + "/r", image_record(solid_bmp(0), 5, "good.bmp") + image_record("garbage!", 6, "bad.bmp"));
  auto ds = open_dataset(dir + "/r");
  ASSERT_TRUE(ds.ok());
  auto batch = load_batch(**ds, 0, 2, Preprocess::kSlim, 4, 4, nullptr);
  ASSERT_FALSE(batch.ok());
  EXPECT_NE(batch.status().message().find("record 1 (bad.bmp): not a JPEG, PNG or BMP"), std::string::npos)
      << batch.status().message();
}

}  // namespace
}  // namespace amct::data
