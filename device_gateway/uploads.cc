#include "device_gateway/uploads.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/errors.h"
#include "common/status_macros.h"
#include "device_gateway/session_summary.h"
#include "device_gateway/session_validation.h"
#include "device_gateway/telemetry.h"
#include "records/time_proto.h"
#include "records/validation.h"
#include "storage/key_codec.h"
#include "storage/proto_io.h"

namespace tractus::device_gateway {
namespace {

using records::FromProto;
using records::ToProto;
using storage::Cf;

// A sanity bound on sequence numbers (a 90-minute session at 1 kHz in
// 1-sample chunks stays far below it).
constexpr uint32_t kMaxSeq = 10'000'000;

google::protobuf::Duration ToDuration(absl::Duration d) {
  google::protobuf::Duration out;
  const int64_t nanos = absl::ToInt64Nanoseconds(d);
  out.set_seconds(nanos / 1000000000);
  out.set_nanos(static_cast<int32_t>(nanos % 1000000000));
  return out;
}

v1::UploadSessionResponse Nack(uint32_t seq, absl::StatusCode code, int sample_index,
                               std::string reason) {
  v1::UploadSessionResponse resp;
  v1::ChunkNack* nack = resp.mutable_chunk_nack();
  nack->set_seq(seq);
  nack->set_code(static_cast<int>(code));
  nack->set_sample_index(sample_index);
  nack->set_reason(std::move(reason));
  return resp;
}

bool SameSession(const v1::Session& stored, const v1::SessionHeader& header) {
  return stored.episode_id() == header.episode_id() &&
         stored.protocol().SerializeAsString() == header.protocol().SerializeAsString() &&
         stored.device_start_time().SerializeAsString() ==
             header.device_start_time().SerializeAsString();
}

}  // namespace

Uploads::Uploads(storage::Store* store, const Clock* clock, records::Records* records,
                 const UploadConfig& config)
    : store_(store), clock_(clock), records_(records), config_(config) {}

v1::UploadLimits Uploads::Limits() const {
  v1::UploadLimits limits;
  limits.set_max_samples_per_chunk(config_.max_samples_per_chunk);
  limits.set_max_message_bytes(config_.max_message_bytes);
  limits.set_max_chunks_in_flight(config_.max_chunks_in_flight);
  limits.set_max_streams_per_device(config_.max_streams_per_device);
  limits.set_max_force_newtons(config_.max_force_newtons);
  return limits;
}

absl::StatusOr<v1::Session> Uploads::LoadSession(const std::string& session_id) const {
  auto session = storage::GetRecord<v1::Session>(*store_, Cf::kSessions,
                                                 storage::SessionKey(session_id), "session");
  if (absl::IsNotFound(session.status())) {
    return absl::NotFoundError(absl::StrCat("session ", session_id, " not found"));
  }
  return session;
}

absl::StatusOr<Uploads::StoredChunks> Uploads::ScanStoredChunks(
    const std::string& session_id) const {
  StoredChunks out;
  const std::string prefix = storage::TelemetryPrefix(session_id);
  absl::Status decode;
  RETURN_IF_ERROR(store_->Scan(
      Cf::kTelemetry, prefix, storage::PrefixSuccessor(prefix),
      [&](absl::string_view key, absl::string_view) {
        absl::StatusOr<uint32_t> seq = storage::DecodeTelemetryKeySeq(key);
        if (!seq.ok()) {
          decode = seq.status();
          return false;
        }
        if (*seq == out.next_seq && out.stored_above.empty()) {
          ++out.next_seq;
        } else {
          out.stored_above.push_back(*seq);
        }
        return true;
      }));
  RETURN_IF_ERROR(decode);
  return out;
}

absl::StatusOr<Uploads::Opened> Uploads::OpenSession(const v1::Device& device,
                                                     const v1::SessionHeader& header) {
  Violations v;
  CheckHeader(header, config_.max_force_newtons, v);
  RETURN_IF_ERROR(v.ToStatus());

  v1::GetEpisodeRequest get_episode;
  get_episode.set_episode_id(header.episode_id());
  ASSIGN_OR_RETURN(v1::GetEpisodeResponse episode, records_->GetEpisode(get_episode));
  if (episode.episode().clinic_id() != device.clinic_id()) {
    return absl::PermissionDeniedError(
        "header.episode_id: the episode belongs to another clinic than this device");
  }

  records::StripedLock::Hold hold(locks_, {header.session_id()});
  const absl::Time now = clock_->Now();
  const absl::Duration offset = now - FromProto(header.device_send_time());
  Opened opened;
  absl::StatusOr<v1::Session> existing = LoadSession(header.session_id());
  if (existing.ok()) {
    if (existing->device_id() != device.device_id()) {
      return absl::PermissionDeniedError(
          "header.session_id is already used by another device");
    }
    if (existing->finalized()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "session ", header.session_id(), " is finalized; nothing more can be uploaded"));
    }
    if (!SameSession(*existing, header)) {
      return absl::AlreadyExistsError(absl::StrCat(
          "session ", header.session_id(),
          " was started with another episode, protocol or start time"));
    }
    opened.session = std::move(*existing);
  } else if (!absl::IsNotFound(existing.status())) {
    return existing.status();
  } else {
    if (episode.episode().state() != v1::EPISODE_STATE_OPEN) {
      return absl::FailedPreconditionError(
          "header.episode_id: the episode is closed and takes no new sessions");
    }
    CheckProtocolAgainstPlan(header.protocol(), episode.episode().plan(), v);
    RETURN_IF_ERROR(v.ToStatus());
    v1::Session& s = opened.session;
    s.set_session_id(header.session_id());
    s.set_device_id(device.device_id());
    s.set_clinic_id(device.clinic_id());
    s.set_patient_id(episode.episode().patient_id());
    s.set_episode_id(header.episode_id());
    *s.mutable_protocol() = header.protocol();
    *s.mutable_device_start_time() = header.device_start_time();
    const absl::Time start = FromProto(header.device_start_time()) + offset;
    *s.mutable_start_time() = ToProto(start);
    *s.mutable_first_receive_time() = ToProto(now);
    *s.mutable_clock_offset() = ToDuration(offset);
    s.set_late(start < now - kLateAfter);
    storage::WriteBatch batch;
    storage::PutRecord(batch, Cf::kSessions, storage::SessionKey(s.session_id()), s);
    batch.Put(Cf::kIndex,
              storage::SessionsByEpisodeKey(s.episode_id(), absl::ToUnixMicros(start),
                                            s.session_id()),
              "");
    RETURN_IF_ERROR(store_->Write(batch));
  }

  ASSIGN_OR_RETURN(StoredChunks stored, ScanStoredChunks(header.session_id()));
  v1::HeaderAck& ack = opened.ack;
  ack.set_session_id(header.session_id());
  *ack.mutable_clock_offset() = ToDuration(offset);
  ack.set_late(opened.session.late());
  ack.set_next_seq(stored.next_seq);
  for (uint32_t seq : stored.stored_above) ack.add_stored_above(seq);
  *ack.mutable_limits() = Limits();
  return opened;
}

absl::StatusOr<v1::UploadSessionResponse> Uploads::StoreChunk(const v1::Session& session,
                                                              const v1::TelemetryChunk& chunk) {
  const uint32_t seq = chunk.seq();
  if (static_cast<int64_t>(chunk.ByteSizeLong()) > config_.max_message_bytes) {
    return Nack(seq, absl::StatusCode::kResourceExhausted, -1,
                absl::StrCat("chunk is ", chunk.ByteSizeLong(), " bytes; at most ",
                             config_.max_message_bytes));
  }
  if (seq >= kMaxSeq) {
    return Nack(seq, absl::StatusCode::kInvalidArgument, -1, "seq is implausibly large");
  }
  Samples samples;
  if (auto problem = DecodeChunk(chunk, &samples)) {
    return Nack(seq, problem->code, problem->sample_index, problem->reason);
  }
  ChunkRules rules;
  rules.max_samples_per_chunk = config_.max_samples_per_chunk;
  rules.max_force_dn = static_cast<int32_t>(std::lround(config_.max_force_newtons * 10));
  rules.protocol_max_dn =
      static_cast<int32_t>(std::lround(session.protocol().max_force_newtons() * 10));
  rules.max_offset_ms = int64_t{session.protocol().planned_minutes()} * 3 * 60 * 1000;
  if (auto problem = CheckChunk(samples, chunk, rules)) {
    return Nack(seq, problem->code, problem->sample_index, problem->reason);
  }
  const std::string bytes = chunk.SerializeAsString();
  const std::string key = storage::TelemetryKey(session.session_id(), seq);

  records::StripedLock::Hold hold(locks_, {session.session_id()});
  ASSIGN_OR_RETURN(v1::Session current, LoadSession(session.session_id()));
  if (current.finalized()) {
    return Nack(seq, absl::StatusCode::kFailedPrecondition, -1,
                "the session is finalized; it takes no more chunks");
  }
  absl::StatusOr<std::string> existing = store_->Get(Cf::kTelemetry, key);
  if (existing.ok()) {
    ASSIGN_OR_RETURN(storage::ChunkValue stored, storage::DecodeChunkValue(*existing));
    if (stored.chunk_bytes != bytes) {
      return Nack(seq, absl::StatusCode::kAlreadyExists, -1,
                  absl::StrCat("seq ", seq, " is already stored with different content; "
                               "nothing was changed"));
    }
    v1::UploadSessionResponse resp;
    resp.mutable_chunk_ack()->set_seq(seq);
    resp.mutable_chunk_ack()->set_replayed(true);
    return resp;
  }
  if (!absl::IsNotFound(existing.status())) return existing.status();

  // Time must run on across chunks: check the stored neighbours.
  if (seq > 0) {
    auto prev = store_->Get(Cf::kTelemetry, storage::TelemetryKey(session.session_id(), seq - 1));
    if (prev.ok()) {
      ASSIGN_OR_RETURN(storage::ChunkValue p, storage::DecodeChunkValue(*prev));
      if (samples.offset_ms.front() <= p.last_offset_ms) {
        return Nack(seq, absl::StatusCode::kInvalidArgument, 0,
                    absl::StrCat("starts at ", samples.offset_ms.front(),
                                 " ms, not after chunk ", seq - 1, " which ends at ",
                                 p.last_offset_ms, " ms"));
      }
    } else if (!absl::IsNotFound(prev.status())) {
      return prev.status();
    }
  }
  auto next = store_->Get(Cf::kTelemetry, storage::TelemetryKey(session.session_id(), seq + 1));
  if (next.ok()) {
    ASSIGN_OR_RETURN(storage::ChunkValue n, storage::DecodeChunkValue(*next));
    if (samples.offset_ms.back() >= n.first_offset_ms) {
      return Nack(seq, absl::StatusCode::kInvalidArgument,
                  static_cast<int>(samples.size()) - 1,
                  absl::StrCat("ends at ", samples.offset_ms.back(), " ms, not before chunk ",
                               seq + 1, " which starts at ", n.first_offset_ms, " ms"));
    }
  } else if (!absl::IsNotFound(next.status())) {
    return next.status();
  }

  storage::WriteBatch batch;
  batch.Put(Cf::kTelemetry, key,
            storage::EncodeChunkValue(samples.offset_ms.front(), samples.offset_ms.back(),
                                      static_cast<uint32_t>(samples.size()), bytes));
  RETURN_IF_ERROR(store_->Write(batch));
  chunks_stored_.fetch_add(1, std::memory_order_relaxed);
  samples_stored_.fetch_add(static_cast<int64_t>(samples.size()), std::memory_order_relaxed);
  v1::UploadSessionResponse resp;
  resp.mutable_chunk_ack()->set_seq(seq);
  return resp;
}

absl::StatusOr<v1::Session> Uploads::FinishSession(const v1::Session& session,
                                                   const v1::SessionEnd& end) {
  Violations v;
  CheckEnd(end, v);
  RETURN_IF_ERROR(v.ToStatus());

  records::StripedLock::Hold hold(locks_, {session.session_id()});
  ASSIGN_OR_RETURN(v1::Session current, LoadSession(session.session_id()));
  if (current.finalized()) {
    if (current.outcome() == end.outcome() && current.chunk_count() == end.chunk_count()) {
      return current;  // a replayed end
    }
    return absl::FailedPreconditionError("the session is already finalized differently");
  }
  ASSIGN_OR_RETURN(StoredChunks stored, ScanStoredChunks(session.session_id()));
  if (stored.next_seq < end.chunk_count()) {
    std::vector<uint32_t> missing;
    size_t above = 0;
    for (uint32_t seq = stored.next_seq; seq < end.chunk_count() && missing.size() < 20; ++seq) {
      while (above < stored.stored_above.size() && stored.stored_above[above] < seq) ++above;
      if (above < stored.stored_above.size() && stored.stored_above[above] == seq) continue;
      missing.push_back(seq);
    }
    return absl::FailedPreconditionError(absl::StrCat(
        "chunks missing: ", absl::StrJoin(missing, ", "),
        "; upload them (see GetUploadState) before ending the session"));
  }
  if (stored.next_seq > end.chunk_count() || !stored.stored_above.empty()) {
    return InvalidField("end.chunk_count",
                        absl::StrCat("is ", end.chunk_count(), " but ",
                                     stored.next_seq + stored.stored_above.size(),
                                     " chunks are stored"));
  }

  // Summarize chunk by chunk: memory bounded by one chunk.
  v1::GetEpisodeRequest get_episode;
  get_episode.set_episode_id(current.episode_id());
  ASSIGN_OR_RETURN(v1::GetEpisodeResponse episode, records_->GetEpisode(get_episode));
  SummaryAccumulator summary(current.protocol(),
                             episode.episode().plan().target_max_force_newtons());
  int64_t previous_last = -1;
  absl::Status scan_status;
  const std::string prefix = storage::TelemetryPrefix(session.session_id());
  RETURN_IF_ERROR(store_->Scan(
      Cf::kTelemetry, prefix, storage::PrefixSuccessor(prefix),
      [&](absl::string_view, absl::string_view value) {
        absl::StatusOr<storage::ChunkValue> cv = storage::DecodeChunkValue(value);
        v1::TelemetryChunk chunk;
        Samples samples;
        if (!cv.ok() || !chunk.ParseFromArray(cv->chunk_bytes.data(),
                                               static_cast<int>(cv->chunk_bytes.size())) ||
            DecodeChunk(chunk, &samples).has_value() || samples.size() == 0) {
          scan_status = absl::DataLossError("a stored telemetry chunk does not decode");
          return false;
        }
        if (samples.offset_ms.front() <= previous_last) {
          scan_status = absl::DataLossError("stored telemetry chunks overlap in time");
          return false;
        }
        previous_last = samples.offset_ms.back();
        summary.Add(samples, chunk);
        return true;
      }));
  RETURN_IF_ERROR(scan_status);

  current.set_finalized(true);
  current.set_outcome(end.outcome());
  current.set_abort_reason(end.abort_reason());
  current.set_chunk_count(end.chunk_count());
  *current.mutable_summary() = summary.Finish();
  if (end.has_pre_session_pain()) current.set_pre_session_pain(end.pre_session_pain());
  if (end.has_post_session_pain()) current.set_post_session_pain(end.post_session_pain());
  RETURN_IF_ERROR(RecordConsolePain(current, end));

  storage::WriteBatch batch;
  storage::PutRecord(batch, Cf::kSessions, storage::SessionKey(current.session_id()), current);
  RETURN_IF_ERROR(store_->Write(batch));
  records_->NotifyEpisodeChanged(current.episode_id(), /*closed=*/false);
  return current;
}

absl::Status Uploads::RecordConsolePain(const v1::Session& session, const v1::SessionEnd& end) {
  v1::RecordObservationsRequest req;
  req.set_episode_id(session.episode_id());
  const absl::Time now = clock_->Now();
  const absl::Time start = std::min(now, FromProto(session.start_time()));
  const absl::Time finish =
      std::min(now, start + absl::Seconds(session.summary().duration().seconds()));
  auto add = [&](const char* which, int pain, absl::Time when) {
    v1::ObservationInput* in = req.add_observations();
    in->set_observation_id(absl::StrCat("session.", session.session_id(), ".", which));
    in->set_instrument(v1::INSTRUMENT_NPRS);
    *in->mutable_effective_time() = ToProto(when);
    in->set_source(v1::SOURCE_DEVICE);
    in->set_value(pain);
  };
  if (end.has_pre_session_pain()) add("pre", end.pre_session_pain(), start);
  if (end.has_post_session_pain()) add("post", end.post_session_pain(), finish);
  if (req.observations().empty()) return absl::OkStatus();
  absl::Status s = records_->RecordObservations(req).status();
  // A closed episode, or a table clock so wrong that the time falls outside
  // the episode, must not block finalizing the telemetry: the values stay
  // on the session record.
  if (absl::IsFailedPrecondition(s) || absl::IsInvalidArgument(s)) return absl::OkStatus();
  return s;
}

absl::StatusOr<v1::GetUploadStateResponse> Uploads::UploadState(
    const v1::Device& device, const v1::GetUploadStateRequest& req) {
  Violations v;
  records::CheckClientId("session_id", req.session_id(), v);
  RETURN_IF_ERROR(v.ToStatus());
  v1::GetUploadStateResponse resp;
  absl::StatusOr<v1::Session> session = LoadSession(req.session_id());
  if (absl::IsNotFound(session.status())) return resp;  // known = false
  RETURN_IF_ERROR(session.status());
  if (session->device_id() != device.device_id()) {
    return absl::PermissionDeniedError("the session belongs to another device");
  }
  ASSIGN_OR_RETURN(StoredChunks stored, ScanStoredChunks(req.session_id()));
  resp.set_known(true);
  resp.set_next_seq(stored.next_seq);
  for (uint32_t seq : stored.stored_above) resp.add_stored_above(seq);
  resp.set_finalized(session->finalized());
  return resp;
}

}  // namespace tractus::device_gateway
