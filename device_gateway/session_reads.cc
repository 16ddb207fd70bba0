// Uploads: the clinicians' reads of sessions and telemetry.
#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "common/ids.h"
#include "common/status_macros.h"
#include "device_gateway/telemetry.h"
#include "device_gateway/uploads.h"
#include "records/pagination.h"
#include "records/validation.h"
#include "storage/key_codec.h"
#include "storage/proto_io.h"

namespace tractus::device_gateway {

using storage::Cf;

absl::StatusOr<v1::ListSessionsResponse> Uploads::ListSessions(
    const v1::ListSessionsRequest& req) {
  Violations v;
  records::CheckOpaqueId("episode_id", req.episode_id(), kEpisodeIdPrefix, v);
  RETURN_IF_ERROR(v.ToStatus());
  ASSIGN_OR_RETURN(int page_size, records::EffectivePageSize(req.page_size(), 50));
  v1::GetEpisodeRequest get_episode;
  get_episode.set_episode_id(req.episode_id());
  RETURN_IF_ERROR(records_->GetEpisode(get_episode).status());

  const std::string prefix = storage::SessionsByEpisodePrefix(req.episode_id());
  records::PageQuery query{Cf::kIndex, prefix, storage::PrefixSuccessor(prefix),
                           absl::StrCat("sessions/", req.episode_id()), page_size,
                           req.page_token()};
  v1::ListSessionsResponse resp;
  ASSIGN_OR_RETURN(*resp.mutable_next_page_token(),
                   records::ScanPage(
                       *store_, query,
                       [&](absl::string_view key, absl::string_view value) -> absl::StatusOr<bool> {
                         v1::Session* session = resp.add_sessions();
                         if (!value.empty()) {  // the copy (storage/key_codec.h)
                           RETURN_IF_ERROR(storage::ParseRecordInto(value, "session", session));
                           return true;
                         }
                         ASSIGN_OR_RETURN(std::string session_id,
                                          storage::DecodeSessionsByEpisodeKey(key));
                         ASSIGN_OR_RETURN(*session, LoadSession(session_id));
                         return true;
                       }));
  return resp;
}

absl::StatusOr<storage::RecordList<v1::Session>> Uploads::SessionsOfEpisode(
    const std::string& episode_id, storage::Store::RangeReader* index_reader) const {
  // The index gives the sessions in start order, each with its copy
  // (storage/key_codec.h). An episode with an entry from before the copies
  // is read from the sessions CF, all of its sessions together.
  storage::RecordList<v1::Session> sessions;
  std::vector<std::string> keys;
  bool copied = true;
  absl::Status decoded;
  const std::string prefix = storage::SessionsByEpisodePrefix(episode_id);
  RETURN_IF_ERROR(store_->Scan(
      Cf::kIndex, prefix, storage::PrefixSuccessor(prefix),
      [&](absl::string_view key, absl::string_view value) {
        absl::StatusOr<std::string> id = storage::DecodeSessionsByEpisodeKey(key);
        if (!id.ok()) {
          decoded = id.status();
          return false;
        }
        keys.push_back(storage::SessionKey(*id));
        copied = copied && !value.empty();
        if (copied) decoded = storage::ParseRecordInto(value, "session", sessions.Add());
        return decoded.ok();
      },
      index_reader));
  RETURN_IF_ERROR(decoded);
  if (copied) return sessions;
  return storage::GetRecordList<v1::Session>(*store_, Cf::kSessions, keys, "session");
}

absl::StatusOr<v1::GetSessionResponse> Uploads::GetSession(const v1::GetSessionRequest& req) {
  Violations v;
  records::CheckClientId("session_id", req.session_id(), v);
  RETURN_IF_ERROR(v.ToStatus());
  v1::GetSessionResponse resp;
  ASSIGN_OR_RETURN(*resp.mutable_session(), LoadSession(req.session_id()));
  return resp;
}

absl::Status Uploads::ReadTelemetry(
    const v1::ReadTelemetryRequest& req,
    const std::function<bool(const v1::ReadTelemetryResponse&)>& emit,
    TelemetryPosition* position) {
  Violations v;
  records::CheckClientId("session_id", req.session_id(), v);
  if (req.every_nth() < 0) v.Add("every_nth", "must not be negative");
  RETURN_IF_ERROR(v.ToStatus());
  RETURN_IF_ERROR(LoadSession(req.session_id()).status());
  const int64_t every = std::max(1, req.every_nth());

  int64_t index = position != nullptr ? position->sample_index : 0;
  bool stopped = false;
  absl::Status status;
  const std::string prefix = storage::TelemetryPrefix(req.session_id());
  std::string start = prefix;
  if (position != nullptr && !position->after_key.empty()) {
    start = position->after_key;
    start.push_back('\0');  // the first key after it
  }
  RETURN_IF_ERROR(store_->Scan(
      Cf::kTelemetry, start, storage::PrefixSuccessor(prefix),
      [&](absl::string_view key, absl::string_view value) {
        absl::StatusOr<storage::ChunkValue> cv = storage::DecodeChunkValue(value);
        v1::TelemetryChunk chunk;
        Samples s;
        if (!cv.ok() || !chunk.ParseFromArray(cv->chunk_bytes.data(),
                                               static_cast<int>(cv->chunk_bytes.size())) ||
            DecodeChunk(chunk, &s).has_value()) {
          status = absl::DataLossError("a stored telemetry chunk does not decode");
          return false;
        }
        v1::ReadTelemetryResponse out;
        for (size_t i = 0; i < s.size(); ++i, ++index) {
          if (index % every != 0) continue;
          out.add_offset_ms(s.offset_ms[i]);
          out.add_measured_force_newtons(s.measured_dn[i] / 10.0);
          out.add_target_force_newtons(s.target_dn[i] / 10.0);
          out.add_angle_degrees(s.angle_decideg[i] / 10.0);
          out.add_flags(s.flags[i]);
        }
        *out.mutable_events() = chunk.events();
        if (position != nullptr) {
          position->after_key = std::string(key);
          position->sample_index = index;
        }
        stopped = !emit(out);
        return !stopped;
      }));
  RETURN_IF_ERROR(status);
  if (position != nullptr && !stopped) position->done = true;
  return absl::OkStatus();
}

}  // namespace tractus::device_gateway
