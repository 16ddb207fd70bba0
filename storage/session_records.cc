#include "storage/session_records.h"

#include <string>

#include "storage/key_codec.h"

namespace tractus::storage {
namespace {

int64_t UnixMicros(const google::protobuf::Timestamp& t) {
  return t.seconds() * 1000000 + t.nanos() / 1000;  // nanos are never negative
}

}  // namespace

void PutSession(WriteBatch& batch, const v1::Session& session) {
  const std::string bytes = session.SerializeAsString();
  batch.Put(Cf::kSessions, SessionKey(session.session_id()), bytes);
  batch.Put(Cf::kIndex, SessionOfDeviceKey(session.device_id(), session.device_session_id()),
            session.session_id());
  batch.Put(Cf::kIndex,
            SessionsByEpisodeKey(session.episode_id(), UnixMicros(session.start_time()),
                                 session.session_id()),
            bytes);
}

}  // namespace tractus::storage
