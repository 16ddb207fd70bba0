#include "common/sealed_box.h"

#include <openssl/evp.h>

#include <memory>

#include "common/ids.h"
#include "common/secrets.h"

namespace tractus {
namespace {

constexpr char kVersion = 1;
constexpr size_t kNonce = 12;
constexpr size_t kTag = 16;

using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

const unsigned char* Bytes(absl::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

}  // namespace

absl::StatusOr<SealedBox> SealedBox::Create(absl::string_view secret, absl::string_view purpose) {
  if (secret.size() < 32) return absl::InvalidArgumentError("sealing secret shorter than 32 bytes");
  return SealedBox(HmacSha256(secret, purpose));
}

std::string SealedBox::Seal(absl::string_view plaintext) const {
  std::string out(1 + kNonce + plaintext.size() + kTag, '\0');
  out[0] = kVersion;
  auto* nonce = reinterpret_cast<unsigned char*>(&out[1]);
  SecureRandomBytes(nonce, kNonce);
  auto* body = reinterpret_cast<unsigned char*>(&out[1 + kNonce]);
  CipherCtx ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
  int len = 0;
  // AES-GCM with a valid key and nonce cannot fail short of memory
  // exhaustion, which aborts the process anyway.
  EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, Bytes(key_), nonce);
  EVP_EncryptUpdate(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(&kVersion), 1);
  EVP_EncryptUpdate(ctx.get(), body, &len, Bytes(plaintext), static_cast<int>(plaintext.size()));
  EVP_EncryptFinal_ex(ctx.get(), body + len, &len);
  EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTag, body + plaintext.size());
  return out;
}

absl::StatusOr<std::string> SealedBox::Open(absl::string_view sealed) const {
  const auto refused = [] { return absl::InvalidArgumentError("not sealed under this key"); };
  if (sealed.size() < 1 + kNonce + kTag || sealed[0] != kVersion) return refused();
  const size_t length = sealed.size() - 1 - kNonce - kTag;
  std::string plain(length, '\0');
  std::string tag(sealed.substr(1 + kNonce + length));
  CipherCtx ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
  int len = 0;
  auto* out = reinterpret_cast<unsigned char*>(plain.data());
  if (EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, Bytes(key_),
                         Bytes(sealed.substr(1))) != 1 ||
      EVP_DecryptUpdate(ctx.get(), nullptr, &len, Bytes(sealed), 1) != 1 ||
      EVP_DecryptUpdate(ctx.get(), out, &len, Bytes(sealed.substr(1 + kNonce)),
                        static_cast<int>(length)) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTag, tag.data()) != 1 ||
      EVP_DecryptFinal_ex(ctx.get(), out + len, &len) != 1) {
    return refused();
  }
  return plain;
}

}  // namespace tractus
