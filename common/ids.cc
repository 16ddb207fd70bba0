#include "common/ids.h"

#include <sys/random.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace tractus {

void SecureRandomBytes(void* out, size_t n) {
  auto* p = static_cast<unsigned char*>(out);
  while (n > 0) {
    ssize_t got = getrandom(p, n, 0);
    if (got < 0) {
      if (errno == EINTR) continue;
      std::perror("getrandom");
      std::abort();
    }
    p += got;
    n -= static_cast<size_t>(got);
  }
}

std::string NewOpaqueId(absl::string_view prefix) {
  unsigned char bytes[16];
  SecureRandomBytes(bytes, sizeof(bytes));
  return absl::StrCat(
      prefix, absl::BytesToHexString(absl::string_view(
                  reinterpret_cast<const char*>(bytes), sizeof(bytes))));
}

bool IsOpaqueId(absl::string_view id, absl::string_view prefix) {
  if (id.size() != prefix.size() + 32 || id.substr(0, prefix.size()) != prefix)
    return false;
  for (char c : id.substr(prefix.size())) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

bool IsClientId(absl::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    if (!(absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '.' ||
          c == '_' || c == ':' || c == '-'))
      return false;
  }
  return true;
}

}  // namespace tractus
