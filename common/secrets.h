// Secrets handed to clients (device credentials, enrollment tokens): made
// from the kernel CSPRNG, stored only as SHA-256 hashes, compared in
// constant time.
#ifndef TRACTUS_COMMON_SECRETS_H_
#define TRACTUS_COMMON_SECRETS_H_

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

// Equal contents, in time that depends only on the lengths.
bool ConstantTimeEquals(absl::string_view a, absl::string_view b);

}  // namespace tractus

#endif  // TRACTUS_COMMON_SECRETS_H_
