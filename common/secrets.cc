#include "common/secrets.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <cstdlib>
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

// An HMAC context keyed once; EVP_MAC_init without a key restarts it with
// the key it holds.
struct KeyedHmacSha256::Context {
  EVP_MAC* mac = nullptr;
  EVP_MAC_CTX* ctx = nullptr;
  ~Context() {
    EVP_MAC_CTX_free(ctx);
    EVP_MAC_free(mac);
  }
};

KeyedHmacSha256::KeyedHmacSha256(absl::string_view key) : context_(std::make_unique<Context>()) {
  char digest[] = "SHA256";
  const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                               OSSL_PARAM_END};
  context_->mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  if (context_->mac != nullptr) context_->ctx = EVP_MAC_CTX_new(context_->mac);
  // Only allocation can fail here: a process that cannot allocate a few
  // hundred bytes has no safe way on.
  if (context_->ctx == nullptr ||
      EVP_MAC_init(context_->ctx, reinterpret_cast<const unsigned char*>(key.data()), key.size(),
                   params) != 1) {
    std::abort();
  }
}

KeyedHmacSha256::~KeyedHmacSha256() = default;

std::string KeyedHmacSha256::Digest(absl::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  size_t length = 0;
  if (EVP_MAC_init(context_->ctx, nullptr, 0, nullptr) != 1 ||
      EVP_MAC_update(context_->ctx, reinterpret_cast<const unsigned char*>(data.data()),
                     data.size()) != 1 ||
      EVP_MAC_final(context_->ctx, digest, &length, sizeof(digest)) != 1) {
    std::abort();  // as above: the context is keyed; only allocation can fail
  }
  return std::string(reinterpret_cast<const char*>(digest), length);
}

bool ConstantTimeEquals(absl::string_view a, absl::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace tractus
