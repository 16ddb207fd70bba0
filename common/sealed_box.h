// Authenticated encryption of small messages that pass through an untrusted
// party (AES-256-GCM, random 96-bit nonces). Used for cohort shares that a
// client carries from one shard to another without being able to read or
// alter them.
#ifndef TRACTUS_COMMON_SEALED_BOX_H_
#define TRACTUS_COMMON_SEALED_BOX_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace tractus {

class SealedBox {
 public:
  // `secret`: any length >= 32 bytes; the key is HMAC-SHA256(secret,
  // `purpose`), so one secret serves several purposes without key reuse.
  // INVALID_ARGUMENT when the secret is shorter.
  static absl::StatusOr<SealedBox> Create(absl::string_view secret, absl::string_view purpose);

  // version byte, nonce, ciphertext, tag.
  std::string Seal(absl::string_view plaintext) const;

  // INVALID_ARGUMENT when `sealed` was not made by Seal under the same key
  // and purpose, or was altered.
  absl::StatusOr<std::string> Open(absl::string_view sealed) const;

 private:
  explicit SealedBox(std::string key) : key_(std::move(key)) {}
  std::string key_;  // 32 bytes
};

}  // namespace tractus

#endif  // TRACTUS_COMMON_SEALED_BOX_H_
