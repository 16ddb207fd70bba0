#include "security/tokens.h"

#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/secrets.h"

namespace tractus::security {
namespace {

std::string Mac(absl::string_view signed_part, absl::string_view signing_key) {
  return absl::WebSafeBase64Escape(HmacSha256(signing_key, signed_part));
}

absl::Status Invalid() { return absl::UnauthenticatedError("invalid or expired token"); }

}  // namespace

std::string SignToken(const TokenClaims& claims, absl::string_view signing_key) {
  const std::string signed_part =
      absl::StrCat(kTokenTag, ".", claims.key_id, ".", absl::ToUnixSeconds(claims.expire_time));
  return absl::StrCat(signed_part, ".", Mac(signed_part, signing_key));
}

absl::StatusOr<TokenClaims> VerifyToken(absl::string_view token,
                                        absl::string_view signing_key, absl::Time now) {
  const size_t last_dot = token.rfind('.');
  if (last_dot == absl::string_view::npos || token.size() > 256) return Invalid();
  const absl::string_view signed_part = token.substr(0, last_dot);
  if (!ConstantTimeEquals(Mac(signed_part, signing_key), token.substr(last_dot + 1))) {
    return Invalid();
  }
  std::vector<absl::string_view> parts = absl::StrSplit(signed_part, '.');
  int64_t expiry = 0;
  if (parts.size() != 3 || parts[0] != kTokenTag || parts[1].empty() ||
      !absl::SimpleAtoi(parts[2], &expiry)) {
    return Invalid();
  }
  TokenClaims claims{std::string(parts[1]), absl::FromUnixSeconds(expiry)};
  if (claims.expire_time <= now) return Invalid();
  return claims;
}

}  // namespace tractus::security
