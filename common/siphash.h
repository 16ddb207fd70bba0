// SipHash-2-4 (Aumasson & Bernstein, "SipHash: a fast short-input PRF",
// INDOCRYPT 2012): a keyed 64-bit pseudo-random function for short inputs,
// e.g. one secret value per record id, ~20 ns for an id.
#ifndef TRACTUS_COMMON_SIPHASH_H_
#define TRACTUS_COMMON_SIPHASH_H_

#include <cstdint>

#include "absl/strings/string_view.h"

namespace tractus {

class SipHash24 {
 public:
  // REQUIRES: key.size() >= 16 (the first 16 bytes are the key, little
  // endian k0, k1).
  explicit SipHash24(absl::string_view key);

  uint64_t Hash(absl::string_view data) const;

 private:
  uint64_t k0_, k1_;
};

}  // namespace tractus

#endif  // TRACTUS_COMMON_SIPHASH_H_
