#include "records/pagination.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "common/fnv.h"
#include "common/status_macros.h"
#include "storage/key_codec.h"

namespace tractus::records {
namespace {

constexpr uint8_t kTokenVersion = 1;

std::string EncodeToken(absl::string_view scope, absl::string_view last_key) {
  std::string raw = storage::KeyWriter()
                        .U8(kTokenVersion)
                        .U64(Fnv1a64(scope))
                        .Str(last_key)
                        .Release();
  return absl::WebSafeBase64Escape(raw);
}

absl::Status BadToken(absl::string_view why) {
  return InvalidField("page_token", why);
}

}  // namespace

absl::StatusOr<int> EffectivePageSize(int requested, int default_size,
                                      absl::string_view field) {
  if (requested < 0) {
    return InvalidField(field, absl::StrCat("must not be negative, got ", requested));
  }
  if (requested == 0) return default_size;
  return std::min(requested, kMaxPageSize);
}

absl::StatusOr<std::string> ScanPage(const storage::Store& store,
                                     const PageQuery& query,
                                     const PageVisitor& visit) {
  std::string start = query.lower;
  if (!query.page_token.empty()) {
    std::string raw;
    if (!absl::WebSafeBase64Unescape(query.page_token, &raw)) {
      return BadToken("is not a token returned by this list call");
    }
    storage::KeyReader reader(raw);
    uint8_t version;
    uint64_t digest;
    std::string last_key;
    if (!reader.U8(&version) || !reader.U64(&digest) || !reader.Str(&last_key) ||
        !reader.done() || version != kTokenVersion) {
      return BadToken("is not a token returned by this list call");
    }
    if (digest != Fnv1a64(query.scope)) {
      return BadToken("belongs to a different query; start again without it");
    }
    if (last_key < query.lower ||
        (!query.upper.empty() && last_key >= query.upper)) {
      return BadToken("is outside this query's range");
    }
    start = last_key;
    start.push_back('\0');  // the smallest key after last_key
  }

  int accepted = 0;
  std::string last_accepted;
  bool more = false;
  absl::Status visit_status;
  RETURN_IF_ERROR(store.Scan(
      query.cf, start, query.upper, [&](absl::string_view k, absl::string_view v) {
        if (accepted == query.page_size) {
          // Only a record that would be accepted means another page exists;
          // filtered records past the page end are left to the next call.
          more = true;
          return false;
        }
        absl::StatusOr<bool> ok = visit(k, v);
        if (!ok.ok()) {
          visit_status = ok.status();
          return false;
        }
        if (*ok) {
          ++accepted;
          last_accepted = std::string(k);
        }
        return true;
      }));
  RETURN_IF_ERROR(visit_status);
  return more ? EncodeToken(query.scope, last_accepted) : std::string();
}

}  // namespace tractus::records
