#include "common/siphash.h"

namespace tractus {
namespace {

uint64_t Load64(const unsigned char* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

uint64_t Rotl(uint64_t x, int b) { return (x << b) | (x >> (64 - b)); }

void Round(uint64_t& v0, uint64_t& v1, uint64_t& v2, uint64_t& v3) {
  v0 += v1;
  v1 = Rotl(v1, 13);
  v1 ^= v0;
  v0 = Rotl(v0, 32);
  v2 += v3;
  v3 = Rotl(v3, 16);
  v3 ^= v2;
  v0 += v3;
  v3 = Rotl(v3, 21);
  v3 ^= v0;
  v2 += v1;
  v1 = Rotl(v1, 17);
  v1 ^= v2;
  v2 = Rotl(v2, 32);
}

}  // namespace

SipHash24::SipHash24(absl::string_view key)
    : k0_(Load64(reinterpret_cast<const unsigned char*>(key.data()))),
      k1_(Load64(reinterpret_cast<const unsigned char*>(key.data()) + 8)) {}

uint64_t SipHash24::Hash(absl::string_view data) const {
  uint64_t v0 = k0_ ^ 0x736f6d6570736575ULL;
  uint64_t v1 = k1_ ^ 0x646f72616e646f6dULL;
  uint64_t v2 = k0_ ^ 0x6c7967656e657261ULL;
  uint64_t v3 = k1_ ^ 0x7465646279746573ULL;
  const auto* in = reinterpret_cast<const unsigned char*>(data.data());
  const size_t whole = data.size() / 8 * 8;
  for (size_t i = 0; i < whole; i += 8) {
    const uint64_t m = Load64(in + i);
    v3 ^= m;
    Round(v0, v1, v2, v3);
    Round(v0, v1, v2, v3);
    v0 ^= m;
  }
  // The last block: the remaining bytes, and the length in the top byte.
  uint64_t last = static_cast<uint64_t>(data.size()) << 56;
  for (size_t i = whole; i < data.size(); ++i) last |= static_cast<uint64_t>(in[i]) << (8 * (i - whole));
  v3 ^= last;
  Round(v0, v1, v2, v3);
  Round(v0, v1, v2, v3);
  v0 ^= last;
  v2 ^= 0xff;
  for (int i = 0; i < 4; ++i) Round(v0, v1, v2, v3);
  return v0 ^ v1 ^ v2 ^ v3;
}

}  // namespace tractus
