#include "storage/migrations.h"

#include <string>
#include <vector>

#include "common/status_macros.h"
#include "storage/proto_io.h"
#include "storage/session_records.h"
#include "storage/store.h"
#include "tractus/v1/session.pb.h"

namespace tractus::storage {
namespace {

// Records rewritten per write batch: bounds the migration's memory.
constexpr size_t kBatchRecords = 1000;

}  // namespace

absl::Status MigrateSessionsToDeviceScope(Store& store) {
  std::vector<v1::Session> pending;
  absl::Status failed;
  auto flush = [&]() -> absl::Status {
    if (pending.empty()) return absl::OkStatus();
    WriteBatch batch;
    for (const v1::Session& s : pending) PutSession(batch, s);
    pending.clear();
    return store.Write(batch);
  };
  RETURN_IF_ERROR(store.Scan(Cf::kSessions, "", "", [&](absl::string_view,
                                                        absl::string_view value) {
    v1::Session& s = pending.emplace_back();
    failed = ParseRecordInto(value, "session", &s);
    if (!failed.ok()) return false;
    if (s.device_session_id().empty()) s.set_device_session_id(s.session_id());
    if (pending.size() >= kBatchRecords) failed = flush();
    return failed.ok();
  }));
  RETURN_IF_ERROR(failed);
  return flush();
}

}  // namespace tractus::storage
