// FNV-1a, 64 bits: a small stable hash for fingerprints and token scopes
// (not for secrets: see secrets.h).
#ifndef TRACTUS_COMMON_FNV_H_
#define TRACTUS_COMMON_FNV_H_

#include <cstdint>

#include "absl/strings/string_view.h"

namespace tractus {

inline uint64_t Fnv1a64(absl::string_view bytes) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

}  // namespace tractus

#endif  // TRACTUS_COMMON_FNV_H_
