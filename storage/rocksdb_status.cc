#include "storage/rocksdb_status.h"

#include "absl/strings/str_cat.h"

namespace tractus::storage {

absl::Status FromRocksDb(const rocksdb::Status& s, absl::string_view context) {
  if (s.ok()) return absl::OkStatus();
  std::string message = absl::StrCat(context, ": ", s.ToString());
  using Code = rocksdb::Status::Code;
  switch (s.code()) {
    case Code::kOk:
      return absl::OkStatus();
    case Code::kNotFound:
      return absl::NotFoundError(message);
    case Code::kCorruption:
      return absl::DataLossError(message);
    case Code::kIOError:
      if (s.IsNoSpace()) return absl::ResourceExhaustedError(message);
      return absl::UnavailableError(message);
    case Code::kBusy:
    case Code::kTryAgain:
    case Code::kAborted:
      return absl::AbortedError(message);
    case Code::kShutdownInProgress:
    case Code::kIncomplete:
      return absl::UnavailableError(message);
    case Code::kTimedOut:
      return absl::DeadlineExceededError(message);
    case Code::kInvalidArgument:
    case Code::kNotSupported:
      return absl::InternalError(message);
    case Code::kMergeInProgress:
    case Code::kExpired:
    case Code::kCompactionTooLarge:
    case Code::kColumnFamilyDropped:
    case Code::kMaxCode:
      break;
  }
  return absl::UnknownError(message);
}

}  // namespace tractus::storage
