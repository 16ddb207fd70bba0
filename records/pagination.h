// page_size / page_token handling shared by every List RPC.
//
// A page token is opaque to clients: web-safe base64 of (format version, a
// digest of the query it belongs to, the last key returned). A token used
// with another query, or tampered with, is INVALID_ARGUMENT on "page_token".
#ifndef TRACTUS_RECORDS_PAGINATION_H_
#define TRACTUS_RECORDS_PAGINATION_H_

#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "storage/store.h"

namespace tractus::records {

inline constexpr int kMaxPageSize = 1000;

// 0 -> default_size; > kMaxPageSize -> kMaxPageSize; < 0 -> INVALID_ARGUMENT
// on field `field`.
absl::StatusOr<int> EffectivePageSize(int requested, int default_size,
                                      absl::string_view field = "page_size");

struct PageQuery {
  storage::Cf cf;
  std::string lower;  // inclusive
  std::string upper;  // exclusive; empty = unbounded
  // Identifies the query (filters included) so a token cannot be replayed
  // against another one.
  std::string scope;
  int page_size;
  std::string page_token;
};

// Visits up to page_size accepted records of the query's range after the
// token's position. `visit(key, value)` returns true if it accepted the
// record (it counts toward the page), false to skip it (a filtered record);
// a non-OK status stops the scan and is returned. Returns the next page
// token, empty when the range is exhausted.
using PageVisitor =
    std::function<absl::StatusOr<bool>(absl::string_view key, absl::string_view value)>;
absl::StatusOr<std::string> ScanPage(const storage::Store& store,
                                     const PageQuery& query,
                                     const PageVisitor& visit);

}  // namespace tractus::records

#endif  // TRACTUS_RECORDS_PAGINATION_H_
