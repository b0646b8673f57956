#include "runtime/int8/qdwconv_avx512.h"

// GCC 12's AVX-512 headers trip -Wmaybe-uninitialized on their own _mm512_undefined_*()
// placeholders (GCC bug 105593, fixed in 12.3; -Wuninitialized once inlined deeper); nothing
// here reads an uninitialized value.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif
#include <immintrin.h>
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <mutex>
#include <vector>

#include "runtime/onednn/int8_attr.h"
#include "runtime/onednn/post_ops.h"

#define AMCT_DW_TARGET __attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni")))

namespace amct::runtime {
namespace {

constexpr int64_t kBlock = 64;                   // channels per block: one zmm of bytes per pixel
constexpr int64_t kAccBound = 9 * 255 * 128;     // |sum q*w| over a 3x3 window
constexpr int64_t kExactFloat = int64_t{1} << 24;  // integers a float holds exactly
// Output elements per extra thread: below it, waking a thread costs more than
// it saves. MobileNetV2 b1 on 2 threads (300 runs each, same machine): the 17
// depthwise layers took 0.368 ms at 131072, 0.323 at 32768, 0.301 at 16384;
// the whole model 1.41 / 1.33 / 1.33 ms.
constexpr int64_t kParallelGrain = 32768;

enum class OutKind { kU8, kS8, kF32 };

// One step of the float epilogue, as oneDNN's eltwise injector computes it.
struct MicroOp {
  enum class Kind { kMax, kMin, kFma, kRound };
  Kind kind = Kind::kMax;
  float a = 0.0f, b = 0.0f;  // max/min: a; fma: y * a + b
};

// A channel block covers 64 / P channels of P output columns at a time (P = 1
// for whole blocks of 64; 2 or 4 for a remainder of at most 32 or 16, so
// narrow layers and tails fill the vector). Vector k, dword p = 4L + j holds
// channel 16 (L % (4/P)) + 4k + j of the block for column L / (4/P): the
// order the byte unpacks produce and the packs undo.
struct Block {
  int64_t c0 = 0, width = 0;
  int P = 1;
};

struct Layer {
  int64_t channels = 0;
  std::vector<Block> blocks;
  std::vector<int32_t> weights;  // [block][kh][k][16]: bytes [w(kh,0,c), w(kh,1,c), w(kh,2,c), 0]
  std::vector<int32_t> init;     // [block][k][16]: accumulator start (s8 shift, bias, zero point folded in)
  std::vector<float> scale;      // [block][k][16]
  std::vector<MicroOp> ops;
  bool signed_input = false;
  uint8_t pad = 0;  // what padding holds, in the input's storage
  OutKind out = OutKind::kF32;
};

// The epilogue of oneDNN's post-ops, then its saturation to the output type,
// dropping the saturation bounds the earlier steps already guarantee.
std::vector<MicroOp> micro_ops(const QLayerParams& q, OutKind out) {
  using K = MicroOp::Kind;
  std::vector<MicroOp> ops;
  for (const EltwiseOp& e : q.eltwise) {
    switch (e.kind) {
      case EltwiseOp::Kind::kRelu: ops.push_back({K::kMax, 0.0f, 0.0f}); break;
      case EltwiseOp::Kind::kClip:
        ops.push_back({K::kMax, e.a, 0.0f});
        ops.push_back({K::kMin, e.b, 0.0f});
        break;
      case EltwiseOp::Kind::kMul: ops.push_back({K::kFma, e.a, 0.0f}); break;
      case EltwiseOp::Kind::kAdd: ops.push_back({K::kFma, 1.0f, e.a}); break;
      case EltwiseOp::Kind::kRsub: ops.push_back({K::kFma, -1.0f, e.a}); break;
      case EltwiseOp::Kind::kRound: ops.push_back({K::kRound, 0.0f, 0.0f}); break;
    }
  }
  if (q.requant) ops.push_back({K::kFma, q.out.inv_scale, static_cast<float>(q.out.zero_point())});
  if (out == OutKind::kF32) return ops;
  // Range of the values reaching the saturation (vmaxps/vminps return their
  // second operand on NaN, so a max or min ends any NaN).
  const float inf = std::numeric_limits<float>::infinity();
  float lo = -inf, hi = inf;
  bool nan = false;
  for (const MicroOp& op : ops) {
    switch (op.kind) {
      case K::kMax: lo = std::max(lo, op.a), hi = std::max(hi, op.a), nan = false; break;
      case K::kMin: lo = std::min(lo, op.a), hi = std::min(hi, op.a), nan = false; break;
      case K::kRound: lo = std::nearbyint(lo), hi = std::nearbyint(hi); break;
      case K::kFma:
        if (std::isfinite(lo) && std::isfinite(hi) && std::isfinite(op.a) && std::isfinite(op.b)) {
          const float l = std::fma(lo, op.a, op.b), h = std::fma(hi, op.a, op.b);
          lo = std::min(l, h), hi = std::max(l, h);
        } else {
          lo = -inf, hi = inf, nan = true;
        }
        break;
    }
  }
  const float top = out == OutKind::kU8 ? 255.0f : 127.0f;
  if (out == OutKind::kU8 && (nan || lo < 0.0f)) ops.push_back({K::kMax, 0.0f, 0.0f});
  if (nan || hi > top) ops.push_back({K::kMin, top, 0.0f});
  return ops;
}

std::vector<Block> make_blocks(int64_t C) {
  std::vector<Block> blocks;
  int64_t c0 = 0;
  for (; c0 + kBlock <= C; c0 += kBlock) blocks.push_back({c0, kBlock, 1});
  const int64_t r = C - c0;
  if (r > 0) blocks.push_back({c0, r, r > 32 ? 1 : r > 16 ? 2 : 4});
  return blocks;
}

// Packs the layer; false when some channel's bias does not fit the exact
// int32 accumulator start (oneDNN adds it in float: leave such layers to it).
Expected<bool> pack_layer(const QLayerParams& q, Layer* L) {
  const int64_t C = static_cast<int64_t>(q.weight_scale.size());
  const int32_t zp = q.in.zero_point();
  AMCT_ASSIGN_OR_RETURN(std::vector<int32_t> bias, onednn::folded_bias(q, zp));
  for (int32_t b : bias)
    if (std::llabs(int64_t{b}) > kExactFloat - kAccBound) return false;
  L->channels = C;
  L->blocks = make_blocks(C);
  L->signed_input = q.in.storage() == graph::DataType::kInt8;
  L->pad = static_cast<uint8_t>(zp);
  L->out = !q.requant ? OutKind::kF32 : q.out.storage() == graph::DataType::kInt8 ? OutKind::kS8 : OutKind::kU8;
  L->ops = micro_ops(q, L->out);
  const size_t nb = L->blocks.size();
  L->weights.assign(nb * 3 * 64, 0);
  L->init.assign(nb * 64, 0);
  L->scale.assign(nb * 64, 0.0f);
  const std::vector<float> scales = output_scales(q);
  const int8_t* w = q.weights.data<int8_t>();  // [3][3][C][1]
  for (size_t b = 0; b < nb; ++b) {
    const Block& blk = L->blocks[b];
    const int64_t lanes_per_col = 4 / blk.P;
    for (int64_t k = 0; k < 4; ++k)
      for (int64_t p = 0; p < 16; ++p) {
        const int64_t r = 16 * ((p / 4) % lanes_per_col) + 4 * k + p % 4;
        if (r >= blk.width) continue;
        const int64_t c = blk.c0 + r;
        int64_t sum = 0;
        for (int64_t t = 0; t < 9; ++t) sum += w[t * C + c];
        const size_t v = (b * 4 + static_cast<size_t>(k)) * 16 + static_cast<size_t>(p);
        L->init[v] = static_cast<int32_t>(int64_t{bias[static_cast<size_t>(c)]} - (L->signed_input ? 128 * sum : 0));
        L->scale[v] = scales[static_cast<size_t>(c)];
        for (int64_t kh = 0; kh < 3; ++kh) {
          uint32_t word = 0;
          for (int64_t kw = 0; kw < 3; ++kw)
            word |= static_cast<uint32_t>(static_cast<uint8_t>(w[(kh * 3 + kw) * C + c])) << (8 * kw);
          L->weights[((b * 3 + static_cast<size_t>(kh)) * 4 + static_cast<size_t>(k)) * 16 + static_cast<size_t>(p)] =
              static_cast<int32_t>(word);
        }
      }
  }
  return true;
}

struct Geometry {
  int64_t n = 0, ih = 0, iw = 0, oh = 0, ow = 0, stride = 1, pad_t = 0, pad_l = 0;
};

// One output row of one channel block, or two (stride 1: they share two input
// rows, regrouped once for both).
struct RowJob {
  const uint8_t* rows[4];  // input rows at the block's first channel (padding rows: the pad row)
  uint8_t* out;            // output row at the block's first channel (bytes)
  uint8_t* out2;           // the next output row, or null
  const int32_t* weights;  // the block's [kh][k][16]
  const int32_t* init;
  const float* scale;
  __mmask64 mask;  // the block's channels of one column, as bytes
};

template <bool kSigned>
AMCT_DW_TARGET inline __m512i to_u8(__m512i v) {
  return kSigned ? _mm512_xor_si512(v, _mm512_set1_epi8(static_cast<char>(0x80))) : v;
}

// The pixels of columns ow .. ow+P-1 at tap kw of row `row`, each its 64/P
// channels of the block, in the u8 domain. kCheck: some may be padding or
// past the row's last output column (`valid`).
template <int P, bool kMasked, bool kSigned, bool kCheck>
AMCT_DW_TARGET inline __m512i load_group(const Layer& L, const Geometry& g, const RowJob& j, const uint8_t* row,
                                         int64_t ow, int64_t kw, int valid) {
  const int64_t C = L.channels;
  const int64_t iw0 = ow * g.stride - g.pad_l + kw;
  const char pad = static_cast<char>(L.pad);
  auto inside = [&](int q) { return !kCheck || (q < valid && iw0 + q * g.stride >= 0 && iw0 + q * g.stride < g.iw); };
  if constexpr (P == 1) {
    if (!inside(0)) return to_u8<kSigned>(_mm512_set1_epi8(pad));
    const uint8_t* p = row + iw0 * C;
    return to_u8<kSigned>(kMasked ? _mm512_maskz_loadu_epi8(j.mask, p) : _mm512_loadu_si512(p));
  } else if constexpr (P == 2) {
    __m256i h[2];
    for (int q = 0; q < 2; ++q)
      h[q] = inside(q) ? _mm256_maskz_loadu_epi8(static_cast<__mmask32>(j.mask), row + (iw0 + q * g.stride) * C)
                       : _mm256_set1_epi8(pad);
    return to_u8<kSigned>(_mm512_inserti64x4(_mm512_castsi256_si512(h[0]), h[1], 1));
  } else {
    __m128i x[4];
    for (int q = 0; q < 4; ++q)
      x[q] = inside(q) ? _mm_maskz_loadu_epi8(static_cast<__mmask16>(j.mask), row + (iw0 + q * g.stride) * C)
                       : _mm_set1_epi8(pad);
    const __m256i lo = _mm256_inserti128_si256(_mm256_castsi128_si256(x[0]), x[1], 1);
    const __m256i hi = _mm256_inserti128_si256(_mm256_castsi128_si256(x[2]), x[3], 1);
    return to_u8<kSigned>(_mm512_inserti64x4(_mm512_castsi256_si512(lo), hi, 1));
  }
}

// [a, b, c, 0] per channel, in the lane order of Block.
AMCT_DW_TARGET inline void regroup(__m512i a, __m512i b, __m512i c, __m512i t[4]) {
  const __m512i z = _mm512_setzero_si512();
  const __m512i ab_lo = _mm512_unpacklo_epi8(a, b), ab_hi = _mm512_unpackhi_epi8(a, b);
  const __m512i cz_lo = _mm512_unpacklo_epi8(c, z), cz_hi = _mm512_unpackhi_epi8(c, z);
  t[0] = _mm512_unpacklo_epi16(ab_lo, cz_lo);
  t[1] = _mm512_unpackhi_epi16(ab_lo, cz_lo);
  t[2] = _mm512_unpacklo_epi16(ab_hi, cz_hi);
  t[3] = _mm512_unpackhi_epi16(ab_hi, cz_hi);
}

AMCT_DW_TARGET inline void apply_ops(const std::vector<MicroOp>& ops, __m512 f[4]) {
  for (const MicroOp& op : ops) {
    const __m512 a = _mm512_set1_ps(op.a);
    switch (op.kind) {
      case MicroOp::Kind::kMax:
        for (int k = 0; k < 4; ++k) f[k] = _mm512_max_ps(f[k], a);
        break;
      case MicroOp::Kind::kMin:
        for (int k = 0; k < 4; ++k) f[k] = _mm512_min_ps(f[k], a);
        break;
      case MicroOp::Kind::kFma: {
        const __m512 b = _mm512_set1_ps(op.b);
        for (int k = 0; k < 4; ++k) f[k] = _mm512_fmadd_ps(f[k], a, b);
        break;
      }
      case MicroOp::Kind::kRound:
        for (int k = 0; k < 4; ++k) f[k] = _mm512_roundscale_ps(f[k], _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
        break;
    }
  }
}

// The epilogues written out: 0 runs L.ops as a list; 1 is max, min, fma
// (ReLU6 then requantization); 2 adds a min (the saturation's top).
int epilogue_kind(const std::vector<MicroOp>& ops) {
  using K = MicroOp::Kind;
  if (ops.size() < 3 || ops.size() > 4 || ops[0].kind != K::kMax || ops[1].kind != K::kMin || ops[2].kind != K::kFma)
    return 0;
  if (ops.size() == 3) return 1;
  return ops[3].kind == K::kMin ? 2 : 0;
}

// Columns ow .. ow+valid-1 of the output row.
template <int P, bool kMasked, OutKind kOut, int kEpi>
AMCT_DW_TARGET inline void store_group(const Layer& L, const RowJob& j, uint8_t* out, int64_t ow, int valid,
                                       const __m512i acc[4]) {
  __m512 f[4];
  for (int k = 0; k < 4; ++k) f[k] = _mm512_mul_ps(_mm512_cvtepi32_ps(acc[k]), _mm512_loadu_ps(j.scale + 16 * k));
  if constexpr (kEpi == 0) {
    apply_ops(L.ops, f);
  } else {
    const MicroOp* op = L.ops.data();
    const __m512 lo = _mm512_set1_ps(op[0].a), hi = _mm512_set1_ps(op[1].a);
    const __m512 mul = _mm512_set1_ps(op[2].a), add = _mm512_set1_ps(op[2].b);
    for (int k = 0; k < 4; ++k) f[k] = _mm512_fmadd_ps(_mm512_min_ps(_mm512_max_ps(f[k], lo), hi), mul, add);
    if constexpr (kEpi == 2) {
      const __m512 top = _mm512_set1_ps(op[3].a);
      for (int k = 0; k < 4; ++k) f[k] = _mm512_min_ps(f[k], top);
    }
  }
  const int64_t C = L.channels;
  if constexpr (kOut == OutKind::kF32) {
    // Lane L of f[k] holds channels 16L + 4k .. +3: a 4x4 transpose of 128-bit blocks.
    const __m512 t0 = _mm512_shuffle_f32x4(f[0], f[1], 0x44), t1 = _mm512_shuffle_f32x4(f[0], f[1], 0xEE);
    const __m512 t2 = _mm512_shuffle_f32x4(f[2], f[3], 0x44), t3 = _mm512_shuffle_f32x4(f[2], f[3], 0xEE);
    const __m512 o[4] = {_mm512_shuffle_f32x4(t0, t2, 0x88), _mm512_shuffle_f32x4(t0, t2, 0xDD),
                         _mm512_shuffle_f32x4(t1, t3, 0x88), _mm512_shuffle_f32x4(t1, t3, 0xDD)};
    constexpr int kPerCol = 4 / P;
    for (int l = 0; l < 4; ++l) {
      const int q = l / kPerCol, part = l % kPerCol;
      if (q >= valid) break;
      float* y = reinterpret_cast<float*>(out) + (ow + q) * C + 16 * part;
      if (kMasked)
        _mm512_mask_storeu_ps(y, static_cast<__mmask16>(j.mask >> (16 * part)), o[l]);
      else
        _mm512_storeu_ps(y, o[l]);
    }
  } else {
    __m512i i[4];
    for (int k = 0; k < 4; ++k) i[k] = _mm512_cvtps_epi32(f[k]);
    __m512i b;
    if constexpr (kOut == OutKind::kU8)
      b = _mm512_packus_epi16(_mm512_packus_epi32(i[0], i[1]), _mm512_packus_epi32(i[2], i[3]));
    else
      b = _mm512_packs_epi16(_mm512_packs_epi32(i[0], i[1]), _mm512_packs_epi32(i[2], i[3]));
    uint8_t* y = out + ow * C;
    if constexpr (P == 1) {
      if (kMasked)
        _mm512_mask_storeu_epi8(y, j.mask, b);
      else
        _mm512_storeu_si512(y, b);
    } else if constexpr (P == 2) {
      _mm256_mask_storeu_epi8(y, static_cast<__mmask32>(j.mask), _mm512_castsi512_si256(b));
      if (valid > 1) _mm256_mask_storeu_epi8(y + C, static_cast<__mmask32>(j.mask), _mm512_extracti64x4_epi64(b, 1));
    } else {
      const __mmask16 m = static_cast<__mmask16>(j.mask);
      _mm_mask_storeu_epi8(y, m, _mm512_castsi512_si128(b));
      if (valid > 1) _mm_mask_storeu_epi8(y + C, m, _mm512_extracti32x4_epi32(b, 1));
      if (valid > 2) _mm_mask_storeu_epi8(y + 2 * C, m, _mm512_extracti32x4_epi32(b, 2));
      if (valid > 3) _mm_mask_storeu_epi8(y + 3 * C, m, _mm512_extracti32x4_epi32(b, 3));
    }
  }
}

// Output columns [ow0, ow1) of one row, P at a time; kCheck: some taps fall
// outside the row (or columns past ow1).
template <int P, bool kMasked, bool kSigned, OutKind kOut, int kEpi, bool kCheck, int R>
AMCT_DW_TARGET inline void row_span(const Layer& L, const Geometry& g, const RowJob& j, int64_t ow0, int64_t ow1) {
  __m512i w[3][4];
  for (int kh = 0; kh < 3; ++kh)
    for (int k = 0; k < 4; ++k) w[kh][k] = _mm512_loadu_si512(j.weights + (kh * 4 + k) * 16);
  __m512i init[4];
  for (int k = 0; k < 4; ++k) init[k] = _mm512_loadu_si512(j.init + 16 * k);
  for (int64_t ow = ow0; ow < ow1; ow += P) {
    const int valid = static_cast<int>(std::min<int64_t>(P, ow1 - ow));
    __m512i acc[R][4];
    for (int r = 0; r < R; ++r)
      for (int k = 0; k < 4; ++k) acc[r][k] = init[k];
    for (int ir = 0; ir < R + 2; ++ir) {  // input row ir is kernel row ir - r of output row r
      const __m512i a = load_group<P, kMasked, kSigned, kCheck>(L, g, j, j.rows[ir], ow, 0, valid);
      const __m512i b = load_group<P, kMasked, kSigned, kCheck>(L, g, j, j.rows[ir], ow, 1, valid);
      const __m512i c = load_group<P, kMasked, kSigned, kCheck>(L, g, j, j.rows[ir], ow, 2, valid);
      __m512i t[4];
      regroup(a, b, c, t);
      for (int r = 0; r < R; ++r)
        if (ir - r >= 0 && ir - r < 3)
          for (int k = 0; k < 4; ++k) acc[r][k] = _mm512_dpbusd_epi32(acc[r][k], t[k], w[ir - r][k]);
    }
    store_group<P, kMasked, kOut, kEpi>(L, j, j.out, ow, valid, acc[0]);
    if (R == 2) store_group<P, kMasked, kOut, kEpi>(L, j, j.out2, ow, valid, acc[R - 1]);
  }
}

template <int P, bool kMasked, bool kSigned, OutKind kOut, int kEpi, int R>
AMCT_DW_TARGET inline void row_spans(const Layer& L, const Geometry& g, const RowJob& j, int64_t lo, int64_t mid) {
  row_span<P, kMasked, kSigned, kOut, kEpi, true, R>(L, g, j, 0, lo);
  row_span<P, kMasked, kSigned, kOut, kEpi, false, R>(L, g, j, lo, mid);
  row_span<P, kMasked, kSigned, kOut, kEpi, true, R>(L, g, j, mid, g.ow);
}

template <int P, bool kMasked, bool kSigned, OutKind kOut, int kEpi>
AMCT_DW_TARGET void dw_row(const Layer& L, const Geometry& g, const RowJob& j) {
  // Output columns whose three taps all lie inside the row.
  int64_t lo = (g.pad_l + g.stride - 1) / g.stride;
  int64_t hi = g.iw >= 3 ? (g.iw - 3 + g.pad_l) / g.stride + 1 : 0;
  lo = std::min(lo, g.ow);
  hi = std::clamp(hi, lo, g.ow);
  const int64_t mid = lo + (hi - lo) / P * P;  // whole groups of P inside
  if (j.out2)
    row_spans<P, kMasked, kSigned, kOut, kEpi, 2>(L, g, j, lo, mid);
  else
    row_spans<P, kMasked, kSigned, kOut, kEpi, 1>(L, g, j, lo, mid);
}

using RowFn = void (*)(const Layer&, const Geometry&, const RowJob&);

// [0]: whole blocks of 64; [1..3]: the remainder block with P = 1, 2, 4.
template <bool kSigned, OutKind kOut, int kEpi>
void pick_epi(RowFn fn[4]) {
  fn[0] = &dw_row<1, false, kSigned, kOut, kEpi>;
  fn[1] = &dw_row<1, true, kSigned, kOut, kEpi>;
  fn[2] = &dw_row<2, true, kSigned, kOut, kEpi>;
  fn[3] = &dw_row<4, true, kSigned, kOut, kEpi>;
}

template <bool kSigned, OutKind kOut>
void pick(int epi, RowFn fn[4]) {
  if (epi == 1) return pick_epi<kSigned, kOut, 1>(fn);
  if (epi == 2) return pick_epi<kSigned, kOut, 2>(fn);
  pick_epi<kSigned, kOut, 0>(fn);
}

class DwExec : public Exec {
 public:
  DwExec(std::shared_ptr<const Layer> layer, const Geometry& g) : L_(std::move(layer)), g_(g) {
    const Layer& L = *L_;
    pad_row_.assign(static_cast<size_t>(g.iw * L.channels), L.pad);
    const bool s = L.signed_input;
    const int e = epilogue_kind(L.ops);
    switch (L.out) {
      case OutKind::kU8: s ? pick<true, OutKind::kU8>(e, fn_) : pick<false, OutKind::kU8>(e, fn_); break;
      case OutKind::kS8: s ? pick<true, OutKind::kS8>(e, fn_) : pick<false, OutKind::kS8>(e, fn_); break;
      case OutKind::kF32: s ? pick<true, OutKind::kF32>(e, fn_) : pick<false, OutKind::kF32>(e, fn_); break;
    }
  }

  Status run(const Inputs& in, const Outputs& out) override {
    const uint8_t* x = in[0]->as<uint8_t>();
    uint8_t* y = static_cast<uint8_t*>(out[0]->data);
    const int64_t items = g_.n * row_groups() * static_cast<int64_t>(L_->blocks.size());
    int threads = omp_in_parallel() ? 1 : omp_get_max_threads();
    threads = static_cast<int>(std::min<int64_t>({threads, items, out[0]->count / kParallelGrain}));
    if (threads <= 1) {
      run_items(x, y, 0, items);
      return Status::ok();
    }
#pragma omp parallel num_threads(threads)
    {
      const int64_t t = omp_get_thread_num(), nt = omp_get_num_threads();
      run_items(x, y, items * t / nt, items * (t + 1) / nt);
    }
    return Status::ok();
  }

 private:
  // Stride 1 runs output rows in pairs.
  int64_t rows_per_group() const { return g_.stride == 1 ? 2 : 1; }
  int64_t row_groups() const { return (g_.oh + rows_per_group() - 1) / rows_per_group(); }

  void run_items(const uint8_t* x, uint8_t* y, int64_t begin, int64_t end) const {
    const Layer& L = *L_;
    const int64_t C = L.channels;
    const int64_t out_size = L.out == OutKind::kF32 ? 4 : 1;
    const int64_t nb = static_cast<int64_t>(L.blocks.size());
    for (int64_t i = begin; i < end; ++i) {
      const int64_t cb = i % nb, r = i / nb;
      const int64_t groups = row_groups();
      const int64_t oh = r % groups * rows_per_group(), b = r / groups;
      const Block& blk = L.blocks[static_cast<size_t>(cb)];
      RowJob j;
      for (int64_t kh = 0; kh < 4; ++kh) {
        const int64_t ih = oh * g_.stride - g_.pad_t + kh;
        j.rows[kh] = (ih < 0 || ih >= g_.ih ? pad_row_.data() : x + (b * g_.ih + ih) * g_.iw * C) + blk.c0;
      }
      j.out = y + ((b * g_.oh + oh) * g_.ow * C + blk.c0) * out_size;
      j.out2 = rows_per_group() == 2 && oh + 1 < g_.oh ? j.out + g_.ow * C * out_size : nullptr;
      j.weights = L.weights.data() + cb * 3 * 64;
      j.init = L.init.data() + cb * 64;
      j.scale = L.scale.data() + cb * 64;
      j.mask = blk.width == kBlock ? ~__mmask64{0} : (__mmask64{1} << blk.width) - 1;
      const int f = blk.P == 4 ? 3 : blk.P == 2 ? 2 : blk.width == kBlock ? 0 : 1;
      fn_[f](L, g_, j);
    }
  }

  std::shared_ptr<const Layer> L_;
  Geometry g_;
  std::vector<uint8_t> pad_row_;
  RowFn fn_[4] = {nullptr, nullptr, nullptr, nullptr};
};

class Avx512QDwConv : public QConvKernel {
 public:
  explicit Avx512QDwConv(QConvSpec spec) : QConvKernel(std::move(spec)), onednn_(make_onednn_qconv(spec_)) {}

  Expected<std::unique_ptr<Exec>> prepare(const Inputs& in, const Outputs& out) override {
    AMCT_ASSIGN_OR_RETURN(ConvGeometry cg, conv_geometry(spec_.conv, in[0]->shape, spec_.q.weights.shape()));
    if (out[0]->count == 0 || in[0]->count == 0) return std::unique_ptr<Exec>(std::make_unique<EmptyExec>());
    AMCT_ASSIGN_OR_RETURN(std::shared_ptr<const Layer> layer, packed());
    if (!layer) return onednn_->prepare(in, out);
    Geometry g;
    g.n = cg.n, g.ih = cg.ih, g.iw = cg.iw, g.oh = cg.oh, g.ow = cg.ow;
    g.stride = spec_.conv.stride_w, g.pad_t = cg.pad_t, g.pad_l = cg.pad_l;
    return std::unique_ptr<Exec>(std::make_unique<DwExec>(std::move(layer), g));
  }

 private:
  // The packed layer, built on first use (instances may prepare on several
  // threads); null when oneDNN keeps the layer.
  Expected<std::shared_ptr<const Layer>> packed() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!built_) {
      auto layer = std::make_shared<Layer>();
      AMCT_ASSIGN_OR_RETURN(bool ok, pack_layer(spec_.q, layer.get()));
      if (ok) layer_ = std::move(layer);
      built_ = true;
    }
    return layer_;
  }

  std::unique_ptr<QConvKernel> onednn_;
  std::mutex mutex_;
  bool built_ = false;
  std::shared_ptr<const Layer> layer_;
};

bool cpu_has_isa() {
  static const bool ok = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                         __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512vnni");
  return ok;
}

}  // namespace

bool avx512_qdwconv_supports(const QConvSpec& spec) {
  const ConvSpec& c = spec.conv;
  const QLayerParams& q = spec.q;
  if (!cpu_has_isa() || !c.depthwise || q.sum) return false;
  if (c.stride_h != c.stride_w || (c.stride_h != 1 && c.stride_h != 2) || c.dilation_h != 1 || c.dilation_w != 1)
    return false;
  const graph::Shape& s = q.weights.shape();
  if (q.weights.dtype() != graph::DataType::kInt8 || s.size() != 4 || s[0] != 3 || s[1] != 3 || s[3] != 1) return false;
  if (static_cast<int64_t>(q.weight_scale.size()) != s[2]) return false;
  // oneDNN refuses post-ops that repeat an algorithm: keep its error.
  std::vector<EltwiseOp> ops = q.eltwise;
  if (q.requant) ops.push_back(EltwiseOp::mul(q.out.inv_scale));
  return onednn::fusable_prefix(ops) == ops.size();
}

std::unique_ptr<QConvKernel> make_avx512_qdwconv(QConvSpec spec) {
  return std::make_unique<Avx512QDwConv>(std::move(spec));
}

}  // namespace amct::runtime
