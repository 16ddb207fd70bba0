// Secrets handed to clients (device credentials, enrollment tokens): made
// from the kernel CSPRNG, stored only as SHA-256 hashes, compared in
// constant time.
#ifndef TRACTUS_COMMON_SECRETS_H_
#define TRACTUS_COMMON_SECRETS_H_

#include <memory>
#include <string>

#include "absl/strings/string_view.h"

namespace tractus {

// 32 random bytes (256 bits), web-safe base64 without padding (43 chars).
std::string NewSecret();

// SHA-256 of `data`, 32 raw bytes.
std::string Sha256(absl::string_view data);

// Splits a secret handed out as "<tag>.<id>.<NewSecret()>" where id is an
// opaque id with `id_prefix`. False if `value` has any other shape.
bool SplitTaggedSecret(absl::string_view value, absl::string_view tag,
                       absl::string_view id_prefix, std::string* id, std::string* secret);

// HMAC-SHA256 of `data` under `key`, 32 raw bytes.
std::string HmacSha256(absl::string_view key, absl::string_view data);

// HMAC-SHA256 under one key, keyed once: for many messages under the same
// key (the one-shot HmacSha256 fetches the digest and keys anew each
// call). Digest(data) == HmacSha256(key, data). Thread-compatible.
class KeyedHmacSha256 {
 public:
  explicit KeyedHmacSha256(absl::string_view key);
  ~KeyedHmacSha256();
  KeyedHmacSha256(const KeyedHmacSha256&) = delete;
  KeyedHmacSha256& operator=(const KeyedHmacSha256&) = delete;

  // 32 raw bytes.
  std::string Digest(absl::string_view data);

 private:
  struct Context;
  std::unique_ptr<Context> context_;
};

// Equal contents, in time that depends only on the lengths.
bool ConstantTimeEquals(absl::string_view a, absl::string_view b);

}  // namespace tractus

#endif  // TRACTUS_COMMON_SECRETS_H_
