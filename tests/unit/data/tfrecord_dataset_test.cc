#include "data/tfrecord_dataset.h"

#include <gtest/gtest.h>

#include <fstream>

#include "formats/tfrecord/example.h"
#include "formats/tfrecord/tfrecord_reader.h"
#include "test_util.h"

namespace amct::data {
namespace {

std::string record(const tfrecord::Example& ex) { return tfrecord::frame_record(tfrecord::serialize_example(ex)); }

tfrecord::Feature bytes_feature(const std::string& v) {
  tfrecord::Feature f;
  f.kind = tfrecord::Feature::Kind::kBytes;
  f.bytes = {v};
  return f;
}

TEST(TFRecordDataset, UnlabeledAndUnnamedRecords) {
  const std::string dir = amct::testing::make_temp_dir("tfr_ds");
  tfrecord::Example ex;
  ex.features["image/encoded"] = bytes_feature("IMG");
  std::ofstream(dir + "/shard", std::ios::binary) << record(ex) << record(ex);
  auto ds = open_tfrecord_files({dir + "/shard"}, "test");
  ASSERT_TRUE(ds.ok()) << ds.status().message();
  ASSERT_EQ((*ds)->size(), 2u);
  auto s = (*ds)->get(1);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->label, -1);
  EXPECT_EQ(s->name, "shard:1");
  EXPECT_EQ(s->encoded, "IMG");
  EXPECT_NE((*ds)->describe().find("1 files, 2 records"), std::string::npos);
}

TEST(TFRecordDataset, BadExamplesNameTheRecord) {
  const std::string dir = amct::testing::make_temp_dir("tfr_bad");
  tfrecord::Example no_image;
  no_image.features["image/filename"] = bytes_feature("x.jpg");
  tfrecord::Example text_label;
  text_label.features["image/encoded"] = bytes_feature("IMG");
  text_label.features["image/class/label"] = bytes_feature("cat");
  std::ofstream(dir + "/s", std::ios::binary) << record(no_image) << record(text_label)
                                              << tfrecord::frame_record("\x0a\x7f");
  auto ds = open_tfrecord_files({dir + "/s"}, "test");
  ASSERT_TRUE(ds.ok()) << ds.status().message();
  EXPECT_EQ((*ds)->get(0).status().message(), dir + "/s: record 0: no 'image/encoded' feature");
  EXPECT_EQ((*ds)->get(1).status().message(),
            dir + "/s: record 1: feature 'image/class/label' is a bytes_list, expected a int64_list");
  EXPECT_NE((*ds)->get(2).status().message().find("record 2: not a valid tf.train.Example"), std::string::npos);
}

TEST(TFRecordDataset, NoRecordsIsAnError) {
  const std::string dir = amct::testing::make_temp_dir("tfr_none");
  std::ofstream(dir + "/empty", std::ios::binary) << "";
  auto ds = open_tfrecord_files({dir + "/empty"}, "my set");
  ASSERT_FALSE(ds.ok());
  EXPECT_EQ(ds.status().message(), "my set: no records");
}

}  // namespace
}  // namespace amct::data
