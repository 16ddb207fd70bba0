// Short-lived access tokens: "tat1.<key_id>.<expiry unix seconds>.<mac>",
// the MAC being HMAC-SHA256 under a server-held signing key over everything
// before it, in web-safe base64. A token names only the API key it was
// issued from: the key's user, role and revocation are looked up on every
// call, so revoking the key ends its tokens at once. Pure functions.
#ifndef TRACTUS_SECURITY_TOKENS_H_
#define TRACTUS_SECURITY_TOKENS_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace tractus::security {

inline constexpr absl::string_view kTokenTag = "tat1";

struct TokenClaims {
  std::string key_id;
  absl::Time expire_time;
};

// REQUIRES: signing_key is 32 bytes; claims.key_id has no '.'.
std::string SignToken(const TokenClaims& claims, absl::string_view signing_key);

// The claims of a token that is well formed, correctly signed and not
// expired at `now`; UNAUTHENTICATED otherwise (without saying which).
absl::StatusOr<TokenClaims> VerifyToken(absl::string_view token,
                                        absl::string_view signing_key, absl::Time now);

}  // namespace tractus::security

#endif  // TRACTUS_SECURITY_TOKENS_H_
