#include "common/secrets.h"

#include <openssl/crypto.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_split.h"
#include "common/ids.h"

namespace tractus {

std::string NewSecret() {
  unsigned char bytes[32];
  SecureRandomBytes(bytes, sizeof(bytes));
  return absl::WebSafeBase64Escape(
      absl::string_view(reinterpret_cast<const char*>(bytes), sizeof(bytes)));
}

std::string Sha256(absl::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  return std::string(reinterpret_cast<const char*>(digest), sizeof(digest));
}

bool SplitTaggedSecret(absl::string_view value, absl::string_view tag,
                       absl::string_view id_prefix, std::string* id, std::string* secret) {
  std::vector<absl::string_view> parts = absl::StrSplit(value, '.');
  if (parts.size() != 3 || parts[0] != tag || !IsOpaqueId(parts[1], id_prefix) ||
      parts[2].size() != 43) {
    return false;
  }
  *id = std::string(parts[1]);
  *secret = std::string(parts[2]);
  return true;
}

std::string HmacSha256(absl::string_view key, absl::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest, &length);
  return std::string(reinterpret_cast<const char*>(digest), length);
}

bool ConstantTimeEquals(absl::string_view a, absl::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace tractus
