#include "storage/migrations.h"

#include <string>
#include <vector>

#include "common/status_macros.h"
#include "storage/key_codec.h"
#include "storage/store.h"
#include "tractus/v1/session.pb.h"

namespace tractus::storage {
namespace {

// Records rewritten per write batch: bounds the migration's memory.
constexpr size_t kBatchRecords = 1000;

int64_t UnixMicros(const google::protobuf::Timestamp& t) {
  return t.seconds() * 1000000 + t.nanos() / 1000;  // nanos are never negative
}

}  // namespace

absl::Status MigrateSessionsToDeviceScope(Store& store) {
  std::vector<v1::Session> pending;
  absl::Status failed;
  auto flush = [&]() -> absl::Status {
    if (pending.empty()) return absl::OkStatus();
    WriteBatch batch;
    for (const v1::Session& s : pending) {
      const std::string bytes = s.SerializeAsString();
      batch.Put(Cf::kSessions, SessionKey(s.session_id()), bytes);
      batch.Put(Cf::kIndex,
                SessionsByEpisodeKey(s.episode_id(), UnixMicros(s.start_time()), s.session_id()),
                bytes);
      batch.Put(Cf::kIndex, SessionOfDeviceKey(s.device_id(), s.device_session_id()),
                s.session_id());
    }
    pending.clear();
    return store.Write(batch);
  };
  RETURN_IF_ERROR(store.Scan(Cf::kSessions, "", "", [&](absl::string_view,
                                                        absl::string_view value) {
    v1::Session& s = pending.emplace_back();
    if (!s.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
      failed = absl::DataLossError("a stored session does not decode; run `tractus admin verify`");
      return false;
    }
    if (s.device_session_id().empty()) s.set_device_session_id(s.session_id());
    if (pending.size() >= kBatchRecords) failed = flush();
    return failed.ok();
  }));
  RETURN_IF_ERROR(failed);
  return flush();
}

}  // namespace tractus::storage
