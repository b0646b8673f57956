// OpenCV 4.6's own post-training INT8 (cv::dnn::Net::quantize: min/max ranges,
// per-channel weights), run on exactly the images and preprocessing amct's
// evaluation uses, so its per-image predictions can be compared with amct's
// (issue 3's calibration peer). OpenCV 4.6 quantizes weights per channel (its
// quantize() has no per-tensor option). Built only where OpenCV's dnn module is found.
//
//   opencv_ptq_peer --model M.pb --calib-dir D --dataset D2 --predictions P
//                   [--float] [--preprocess slim]
//
// Prints top-1/top-5 like `amct eval` and writes `file label top1..top5` lines.
#include <opencv2/dnn.hpp>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "data/dataset.h"
#include "evaluation/classification_evaluator.h"

namespace {

using amct::Expected;
using amct::Status;

// amct's NHWC float batch as the NCHW blob OpenCV's TensorFlow importer wants.
cv::Mat to_nchw_blob(const amct::graph::Tensor& nhwc) {
  const auto& s = nhwc.shape();
  const int n = static_cast<int>(s[0]), h = static_cast<int>(s[1]), w = static_cast<int>(s[2]),
            c = static_cast<int>(s[3]);
  const int dims[4] = {n, c, h, w};
  cv::Mat blob(4, dims, CV_32F);
  const float* src = nhwc.data<float>();
  float* dst = blob.ptr<float>();
  for (int b = 0; b < n; ++b)
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x)
        for (int ch = 0; ch < c; ++ch)
          dst[((static_cast<size_t>(b) * c + ch) * h + y) * w + x] =
              src[((static_cast<size_t>(b) * h + y) * w + x) * c + ch];
  return blob;
}

struct Args {
  std::string model, calib_dir, dataset, predictions, preprocess = "slim";
  bool float_only = false;
  int batch_size = 32;
};

Status run(const Args& a) {
  AMCT_ASSIGN_OR_RETURN(amct::data::Preprocess pp, amct::data::parse_preprocess(a.preprocess));
  cv::dnn::Net net;
  try {
    net = cv::dnn::readNetFromTensorflow(a.model);
    net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
    if (!a.float_only) {
      AMCT_ASSIGN_OR_RETURN(auto calib, amct::data::open_dataset(a.calib_dir));
      AMCT_ASSIGN_OR_RETURN(amct::graph::Tensor batch,
                            amct::data::load_batch(*calib, 0, calib->size(), pp, 224, 224, nullptr));
      std::vector<cv::Mat> calib_blobs{to_nchw_blob(batch)};
      net = net.quantize(calib_blobs, CV_32F, CV_32F);
      std::printf("mode: opencv int8 (%zu calibration images)\n", calib->size());
    } else {
      std::printf("mode: opencv fp32\n");
    }
  } catch (const cv::Exception& e) {
    return amct::error("{}: OpenCV: {}", a.model, e.what());
  }
  AMCT_ASSIGN_OR_RETURN(auto dataset, amct::data::open_dataset(a.dataset));
  amct::evaluation::EvalOptions eo;
  eo.batch_size = a.batch_size;
  eo.preprocess = pp;
  eo.height = 224;
  eo.width = 224;
  auto runner = [&](const amct::graph::Tensor& batch) -> Expected<amct::graph::Tensor> {
    cv::Mat out;
    try {
      net.setInput(to_nchw_blob(batch));
      out = net.forward().reshape(1, static_cast<int>(batch.shape()[0]));
    } catch (const cv::Exception& e) {
      return amct::error("{}: OpenCV forward: {}", a.model, e.what());
    }
    amct::graph::Tensor scores(amct::graph::DataType::kFloat, {out.rows, out.cols});
    for (int r = 0; r < out.rows; ++r)
      std::memcpy(scores.data<float>() + static_cast<size_t>(r) * out.cols, out.ptr<float>(r),
                  sizeof(float) * static_cast<size_t>(out.cols));
    return scores;
  };
  AMCT_ASSIGN_OR_RETURN(auto result, amct::evaluation::evaluate_classification(runner, *dataset, eo));
  if (!a.predictions.empty()) AMCT_RETURN_IF_ERROR(amct::evaluation::write_predictions(a.predictions, result));
  std::printf("images: %ld\ntop-1: %.3f\ntop-5: %.3f\n", result.count, result.top1(), result.top5());
  return Status::ok();
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  CLI::App app{"OpenCV 4.6 post-training INT8 on amct's images and preprocessing"};
  app.add_option("--model", a.model, "frozen GraphDef .pb")->required();
  app.add_option("--dataset", a.dataset, "labeled images (as for amct eval)")->required();
  app.add_option("--calib-dir", a.calib_dir, "calibration images (all are used, in one batch)");
  app.add_option("--predictions", a.predictions, "write `file label top1..top5` per image");
  app.add_option("--preprocess", a.preprocess, "slim | sample | pil_bilinear")->capture_default_str();
  app.add_flag("--float", a.float_only, "run the float model (no quantization)");
  CLI11_PARSE(app, argc, argv);
  if (!a.float_only && a.calib_dir.empty()) {
    std::fprintf(stderr, "--calib-dir is required unless --float\n");
    return 2;
  }
  const Status st = run(a);
  if (!st.is_ok()) {
    std::fprintf(stderr, "ERROR: %s\n", st.message().c_str());
    return 1;
  }
  return 0;
}
