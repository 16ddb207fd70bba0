#include "device_gateway/uploads.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/errors.h"
#include "common/ids.h"
#include "common/status_macros.h"
#include "device_gateway/console_pain.h"
#include "device_gateway/session_summary.h"
#include "device_gateway/session_validation.h"
#include "device_gateway/telemetry.h"
#include "records/time_proto.h"
#include "records/validation.h"
#include "storage/key_codec.h"
#include "storage/proto_io.h"
#include "storage/session_records.h"

namespace tractus::device_gateway {
namespace {

using records::FromProto;
using records::ToProto;
using storage::Cf;

// A sanity bound on sequence numbers (a 90-minute session at 1 kHz in
// 1-sample chunks stays far below it).
constexpr uint32_t kMaxSeq = 10'000'000;
// How long a replay of a chunk still being written waits for the write.
constexpr absl::Duration kSettleTimeout = absl::Seconds(10);

google::protobuf::Duration ToDuration(absl::Duration d) {
  google::protobuf::Duration out;
  const int64_t nanos = absl::ToInt64Nanoseconds(d);
  out.set_seconds(nanos / 1000000000);
  out.set_nanos(static_cast<int32_t>(nanos % 1000000000));
  return out;
}

// Whether `stored` (a chunk's stored bytes) holds the same chunk as `chunk`
// (whose received bytes are `wire`, if known). The same bytes are the same
// chunk; other bytes may still serialize it differently.
bool SameChunk(absl::string_view stored, const v1::TelemetryChunk& chunk, absl::string_view wire) {
  if (!wire.empty() && stored == wire) return true;
  const std::string canonical = chunk.SerializeAsString();
  if (stored == canonical) return true;
  v1::TelemetryChunk parsed;
  return parsed.ParseFromArray(stored.data(), static_cast<int>(stored.size())) &&
         parsed.SerializeAsString() == canonical;
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

// Whether `header` resumes `stored`: the same episode and protocol, and the
// same device start time to the millisecond (a table that keeps its start
// time in milliseconds across a reboot resumes; below that, nanoseconds
// are ignored).
bool SameSession(const v1::Session& stored, const v1::SessionHeader& header) {
  return stored.episode_id() == header.episode_id() &&
         stored.protocol().SerializeAsString() == header.protocol().SerializeAsString() &&
         absl::ToUnixMillis(FromProto(stored.device_start_time())) ==
             absl::ToUnixMillis(FromProto(header.device_start_time()));
}

// The seqs below `chunk_count` that `stored` lacks, as [first, last]
// ranges in order: as many as the chunks stored out of order, + 1.
std::vector<std::pair<uint32_t, uint32_t>> MissingRanges(const ChunkTimeline& stored,
                                                         uint32_t chunk_count) {
  std::vector<std::pair<uint32_t, uint32_t>> missing;
  uint32_t from = stored.next_seq();
  for (uint32_t seq : stored.StoredAbove()) {
    if (seq >= chunk_count) break;
    if (seq > from) missing.emplace_back(from, seq - 1);
    from = seq + 1;
  }
  if (from < chunk_count) missing.emplace_back(from, chunk_count - 1);
  return missing;
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

absl::StatusOr<std::optional<v1::Session>> Uploads::FindSession(
    absl::string_view device_id, absl::string_view device_session_id) const {
  absl::StatusOr<std::string> id =
      store_->Get(Cf::kIndex, storage::SessionOfDeviceKey(device_id, device_session_id));
  if (absl::IsNotFound(id.status())) return std::nullopt;
  RETURN_IF_ERROR(id.status());
  absl::StatusOr<v1::Session> session = LoadSession(*id);
  if (absl::IsNotFound(session.status())) {
    return absl::DataLossError(absl::StrCat("session ", *id, " is indexed but not stored"));
  }
  RETURN_IF_ERROR(session.status());
  return std::optional<v1::Session>(std::move(*session));
}

absl::StatusOr<ChunkTimeline> Uploads::ScanStoredChunks(const std::string& session_id) const {
  ChunkTimeline out;
  const std::string prefix = storage::TelemetryPrefix(session_id);
  absl::Status decode;
  RETURN_IF_ERROR(store_->Scan(
      Cf::kTelemetry, prefix, storage::PrefixSuccessor(prefix),
      [&](absl::string_view key, absl::string_view value) {
        absl::StatusOr<uint32_t> seq = storage::DecodeTelemetryKeySeq(key);
        absl::StatusOr<storage::ChunkValue> chunk = storage::DecodeChunkValue(value);
        if (!seq.ok() || !chunk.ok()) {
          decode = seq.ok() ? chunk.status() : seq.status();
          return false;
        }
        out.Add(*seq, {chunk->first_offset_ms, chunk->last_offset_ms});
        return true;
      }));
  RETURN_IF_ERROR(decode);
  return out;
}

absl::Status Uploads::Load(const DeviceSession& name, OpenSessionState& state) const {
  if (state.pending > 0) {
    // After a failed write, chunks accepted earlier are still in flight:
    // reading the store now could miss them.
    return absl::UnavailableError("the session's last write failed; retry shortly");
  }
  state.summary.reset();
  ASSIGN_OR_RETURN(std::optional<v1::Session> session,
                   FindSession(name.device_id, name.session_id));
  if (!session) {
    state.exists = false;
    state.session.Clear();
    state.timeline = ChunkTimeline();
  } else {
    ASSIGN_OR_RETURN(state.timeline, ScanStoredChunks(session->session_id()));
    state.session = std::move(*session);
    state.exists = true;
  }
  state.loaded = true;
  return absl::OkStatus();
}

absl::Status Uploads::WriteFor(OpenSessionState& state, const storage::WriteBatch& batch) {
  absl::Status s = store_->Write(batch);
  if (!s.ok()) state.loaded = false;  // the write may or may not have landed
  return s;
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
    // Another clinic's episode answers like a missing one.
    return records::EpisodeNotFoundError(header.episode_id());
  }

  Opened opened;
  opened.name = {device.device_id(), header.session_id()};
  opened.state =
      open_.Acquire(storage::SessionOfDeviceKey(device.device_id(), header.session_id()));
  OpenSessionState& state = *opened.state;
  absl::MutexLock lock(&state.mu);
  const absl::Time now = clock_->Now();
  const absl::Duration offset = now - FromProto(header.device_send_time());
  if (!state.loaded) RETURN_IF_ERROR(Load(opened.name, state));
  if (state.exists) {
    const v1::Session& existing = state.session;
    if (existing.finalized()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "session ", header.session_id(), " is finalized; nothing more can be uploaded"));
    }
    if (!SameSession(existing, header)) {
      return absl::AlreadyExistsError(absl::StrCat(
          "session ", header.session_id(),
          " was started with another episode, protocol or start time"));
    }
  } else {
    if (episode.episode().state() != v1::EPISODE_STATE_OPEN) {
      return absl::FailedPreconditionError(
          "header.episode_id: the episode is closed and takes no new sessions");
    }
    CheckProtocolAgainstPlan(header.protocol(), episode.episode().plan(), v);
    RETURN_IF_ERROR(v.ToStatus());
    v1::Session s;
    s.set_session_id(NewOpaqueId(kSessionIdPrefix));
    s.set_device_session_id(header.session_id());
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
    storage::PutSession(batch, s);
    RETURN_IF_ERROR(WriteFor(state, batch));
    state.session = std::move(s);
    state.exists = true;
  }

  if (!state.summary && state.timeline.stored_count() == 0) {
    // Chunks stored from now on in order are summarized as they come.
    state.summary.emplace(state.session.protocol(),
                          episode.episode().plan().target_max_force_newtons());
  }
  opened.session = state.session;
  opened.ack_ranges = header.ack_ranges();
  v1::HeaderAck& ack = opened.ack;
  ack.set_session_id(header.session_id());
  ack.set_server_session_id(opened.session.session_id());
  *ack.mutable_clock_offset() = ToDuration(offset);
  ack.set_late(opened.session.late());
  ack.set_next_seq(state.timeline.next_seq());
  for (uint32_t seq : state.timeline.StoredAbove()) ack.add_stored_above(seq);
  *ack.mutable_limits() = Limits();
  return opened;
}

absl::StatusOr<Uploads::ChunkDecision> Uploads::AcceptChunk(const Opened& opened,
                                                            const v1::TelemetryChunk& chunk,
                                                            absl::string_view wire) {
  const uint32_t seq = chunk.seq();
  // Without the received bytes, also caches the sizes the serialization
  // below uses.
  const size_t chunk_bytes = wire.empty() ? chunk.ByteSizeLong() : wire.size();
  if (static_cast<int64_t>(chunk_bytes) > config_.max_message_bytes) {
    return Nack(seq, absl::StatusCode::kResourceExhausted, -1,
                absl::StrCat("chunk is ", chunk_bytes, " bytes; at most ",
                             config_.max_message_bytes));
  }
  if (seq >= kMaxSeq) {
    return Nack(seq, absl::StatusCode::kInvalidArgument, -1, "seq is implausibly large");
  }
  Samples samples;
  if (auto problem = DecodeChunk(chunk, &samples)) {
    return Nack(seq, problem->code, problem->sample_index, problem->reason);
  }
  const v1::Session& session = opened.session;
  ChunkRules rules;
  rules.max_samples_per_chunk = config_.max_samples_per_chunk;
  rules.max_force_dn = static_cast<int32_t>(std::lround(config_.max_force_newtons * 10));
  rules.protocol_max_dn =
      static_cast<int32_t>(std::lround(session.protocol().max_force_newtons() * 10));
  rules.max_offset_ms = int64_t{session.protocol().planned_minutes()} * 3 * 60 * 1000;
  if (auto problem = CheckChunk(samples, chunk, rules)) {
    return Nack(seq, problem->code, problem->sample_index, problem->reason);
  }
  const ChunkSpan span{samples.offset_ms.front(), samples.offset_ms.back()};

  OpenSessionState& state = *opened.state;
  absl::MutexLock lock(&state.mu);
  if (state.pending > 0 && state.timeline.Stored(seq)) {
    // Possibly a copy of a chunk accepted but not yet written (a table
    // resuming right after losing its stream): wait for the writes to land.
    const auto settled = [&state]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu) {
      return state.pending == 0;
    };
    if (!state.mu.AwaitWithTimeout(absl::Condition(&settled), kSettleTimeout)) {
      return Nack(seq, absl::StatusCode::kUnavailable, -1,
                  absl::StrCat("seq ", seq, " is still being written; send it again"));
    }
  }
  if (!state.loaded) RETURN_IF_ERROR(Load(opened.name, state));
  if (state.session.finalized()) {
    return Nack(seq, absl::StatusCode::kFailedPrecondition, -1,
                "the session is finalized; it takes no more chunks");
  }
  std::string key = storage::TelemetryKey(session.session_id(), seq);
  if (state.timeline.Stored(seq)) {  // written: nothing of it is pending now
    ASSIGN_OR_RETURN(std::string existing, store_->Get(Cf::kTelemetry, key));
    ASSIGN_OR_RETURN(storage::ChunkValue stored, storage::DecodeChunkValue(existing));
    if (!SameChunk(stored.chunk_bytes, chunk, wire)) {
      return Nack(seq, absl::StatusCode::kAlreadyExists, -1,
                  absl::StrCat("seq ", seq, " is already stored with different content; "
                               "nothing was changed"));
    }
    v1::UploadSessionResponse resp;
    resp.mutable_chunk_ack()->set_seq(seq);
    resp.mutable_chunk_ack()->set_replayed(true);
    return resp;
  }

  // Time must run on across chunks: check the stored neighbours.
  if (seq > 0) {
    if (std::optional<ChunkSpan> prev = state.timeline.SpanOf(seq - 1);
        prev && span.first_ms <= prev->last_ms) {
      return Nack(seq, absl::StatusCode::kInvalidArgument, 0,
                  absl::StrCat("starts at ", span.first_ms, " ms, not after chunk ", seq - 1,
                               " which ends at ", prev->last_ms, " ms"));
    }
  }
  if (std::optional<ChunkSpan> next = state.timeline.SpanOf(seq + 1);
      next && span.last_ms >= next->first_ms) {
    return Nack(seq, absl::StatusCode::kInvalidArgument, static_cast<int>(samples.size()) - 1,
                absl::StrCat("ends at ", span.last_ms, " ms, not before chunk ", seq + 1,
                             " which starts at ", next->first_ms, " ms"));
  }
  const uint32_t missing = state.timeline.next_seq();
  if (seq != missing &&
      state.timeline.stored_above_count() >= static_cast<size_t>(config_.max_chunks_above_gap)) {
    return Nack(seq, absl::StatusCode::kFailedPrecondition, -1,
                absl::StrCat(config_.max_chunks_above_gap, " chunks are stored above missing ",
                             "chunk ", missing, "; send chunk ", missing, " first"));
  }

  AcceptedChunk accepted;
  accepted.seq = seq;
  accepted.samples = static_cast<uint32_t>(samples.size());
  accepted.key = std::move(key);
  // The stored header, then the chunk serialized straight after it.
  accepted.value = storage::EncodeChunkValue(span.first_ms, span.last_ms, accepted.samples, "");
  const size_t header = accepted.value.size();
  if (wire.empty()) {
    accepted.value.resize(header + chunk_bytes);
    chunk.SerializeWithCachedSizesToArray(
        reinterpret_cast<uint8_t*>(accepted.value.data() + header));
  } else {
    accepted.value.append(wire.data(), wire.size());
  }
  state.timeline.Add(seq, span);
  ++state.pending;
  if (state.summary) {
    if (seq == missing) {
      state.summary->Add(samples, chunk);
    } else {
      state.summary.reset();  // out of order: finishing reads the chunks back
    }
  }
  return accepted;
}

absl::Status Uploads::CommitChunks(const Opened& opened,
                                   const std::vector<AcceptedChunk>& chunks) {
  const Commit one{&opened, &chunks};
  return CommitGroup(absl::MakeConstSpan(&one, 1));
}

absl::Status Uploads::CommitGroup(absl::Span<const Commit> group) {
  storage::WriteBatch batch;
  int64_t chunks = 0;
  int64_t samples = 0;
  for (const Commit& commit : group) {
    for (const AcceptedChunk& c : *commit.chunks) {
      batch.Put(Cf::kTelemetry, c.key, c.value);
      samples += c.samples;
    }
    chunks += static_cast<int64_t>(commit.chunks->size());
  }
  if (chunks == 0) return absl::OkStatus();
  // Written outside the sessions' locks, so the streams go on accepting
  // chunks during the fsync; each lock is taken to settle the outcome.
  const absl::Status written = store_->Write(batch);
  for (const Commit& commit : group) {
    if (commit.chunks->empty()) continue;
    OpenSessionState& state = *commit.opened->state;
    absl::MutexLock lock(&state.mu);
    state.pending -= static_cast<int>(commit.chunks->size());
    if (!written.ok()) state.loaded = false;  // the write may or may not have landed
  }
  if (!written.ok()) return written;
  chunks_stored_.fetch_add(chunks, std::memory_order_relaxed);
  samples_stored_.fetch_add(samples, std::memory_order_relaxed);
  return absl::OkStatus();
}

absl::StatusOr<v1::UploadSessionResponse> Uploads::StoreChunk(const Opened& opened,
                                                              const v1::TelemetryChunk& chunk) {
  ASSIGN_OR_RETURN(ChunkDecision decision, AcceptChunk(opened, chunk));
  if (auto* response = std::get_if<v1::UploadSessionResponse>(&decision)) return *response;
  const AcceptedChunk& accepted = std::get<AcceptedChunk>(decision);
  RETURN_IF_ERROR(CommitChunks(opened, {accepted}));
  v1::UploadSessionResponse resp;
  resp.mutable_chunk_ack()->set_seq(accepted.seq);
  return resp;
}

std::vector<v1::UploadSessionResponse> Uploads::Acknowledgements(
    const std::vector<ChunkDecision>& committed, bool ack_ranges) {
  std::vector<v1::UploadSessionResponse> out;
  v1::ChunkAck* run = nullptr;  // the last response, while it acknowledges a run
  for (const ChunkDecision& d : committed) {
    const auto* chunk = std::get_if<AcceptedChunk>(&d);
    if (chunk == nullptr) {
      out.push_back(std::get<v1::UploadSessionResponse>(d));
      run = nullptr;
      continue;
    }
    const uint32_t length = run == nullptr ? 0 : std::max(1u, run->count());  // 0 counts as 1
    if (ack_ranges && run != nullptr && chunk->seq == run->seq() + length) {
      run->set_count(length + 1);
      continue;
    }
    run = out.emplace_back().mutable_chunk_ack();
    run->set_seq(chunk->seq);
  }
  return out;
}

absl::StatusOr<v1::SessionSummary> Uploads::SummarizeStored(const v1::Session& session) const {
  // Chunk by chunk: memory bounded by one chunk.
  v1::GetEpisodeRequest get_episode;
  get_episode.set_episode_id(session.episode_id());
  ASSIGN_OR_RETURN(v1::GetEpisodeResponse episode, records_->GetEpisode(get_episode));
  SummaryAccumulator summary(session.protocol(),
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
  return summary.Finish();
}

absl::StatusOr<v1::Session> Uploads::FinishSession(const Opened& opened,
                                                   const v1::SessionEnd& end) {
  Violations v;
  CheckEnd(end, v);
  RETURN_IF_ERROR(v.ToStatus());

  OpenSessionState& state = *opened.state;
  absl::MutexLock lock(&state.mu);
  if (!state.loaded) RETURN_IF_ERROR(Load(opened.name, state));
  if (state.pending > 0) {
    return absl::UnavailableError(
        "chunks of this session are still being written on another stream; retry shortly");
  }
  v1::Session current = state.session;
  if (current.finalized()) {
    if (current.outcome() == end.outcome() && current.chunk_count() == end.chunk_count()) {
      return current;  // a replayed end
    }
    return absl::FailedPreconditionError("the session is already finalized differently");
  }
  const ChunkTimeline& stored = state.timeline;
  if (stored.next_seq() < end.chunk_count()) {
    // (The upload handler answers this with an EndNack first; here only
    // when chunks went missing in between.)
    std::vector<std::string> missing;
    for (const auto& [first, last] : MissingRanges(stored, end.chunk_count())) {
      missing.push_back(first == last ? absl::StrCat(first) : absl::StrCat(first, "-", last));
    }
    return absl::FailedPreconditionError(absl::StrCat(
        "chunks missing: ", absl::StrJoin(missing, ", "),
        "; upload them (see GetUploadState) before ending the session"));
  }
  if (stored.next_seq() > end.chunk_count() || stored.stored_above_count() > 0) {
    return InvalidField("end.chunk_count", absl::StrCat("is ", end.chunk_count(), " but ",
                                                        stored.stored_count(),
                                                        " chunks are stored"));
  }
  if (state.summary) {
    *current.mutable_summary() = state.summary->Finish();
  } else {
    ASSIGN_OR_RETURN(*current.mutable_summary(), SummarizeStored(current));
  }

  current.set_finalized(true);
  current.set_outcome(end.outcome());
  current.set_abort_reason(end.abort_reason());
  current.set_chunk_count(end.chunk_count());
  if (end.has_pre_session_pain()) current.set_pre_session_pain(end.pre_session_pain());
  if (end.has_post_session_pain()) current.set_post_session_pain(end.post_session_pain());
  RETURN_IF_ERROR(RecordConsolePain(current, end));

  storage::WriteBatch batch;
  storage::PutSession(batch, current);
  RETURN_IF_ERROR(WriteFor(state, batch));
  state.session = current;
  state.summary.reset();
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
  auto add = [&](ConsolePhase phase, int pain, absl::Time when) {
    v1::ObservationInput* in = req.add_observations();
    in->set_observation_id(ConsolePainObservationId(session.session_id(), phase));
    in->set_instrument(v1::INSTRUMENT_NPRS);
    *in->mutable_effective_time() = ToProto(when);
    in->set_source(v1::SOURCE_DEVICE);
    in->set_value(pain);
  };
  if (end.has_pre_session_pain()) add(ConsolePhase::kPre, end.pre_session_pain(), start);
  if (end.has_post_session_pain()) add(ConsolePhase::kPost, end.post_session_pain(), finish);
  if (req.observations().empty()) return absl::OkStatus();
  absl::Status s = records_->RecordObservations(req).status();
  // A closed episode, or a table clock so wrong that the time falls outside
  // the episode, must not block finalizing the telemetry: the values stay
  // on the session record.
  if (absl::IsFailedPrecondition(s) || absl::IsInvalidArgument(s)) return absl::OkStatus();
  return s;
}

absl::StatusOr<std::vector<std::pair<uint32_t, uint32_t>>> Uploads::MissingChunks(
    const Opened& opened, const v1::SessionEnd& end) {
  Violations v;
  CheckEnd(end, v);
  RETURN_IF_ERROR(v.ToStatus());
  OpenSessionState& state = *opened.state;
  absl::MutexLock lock(&state.mu);
  if (!state.loaded) RETURN_IF_ERROR(Load(opened.name, state));
  if (state.session.finalized()) {
    return std::vector<std::pair<uint32_t, uint32_t>>();  // FinishSession answers
  }
  return MissingRanges(state.timeline, end.chunk_count());
}

absl::StatusOr<v1::GetUploadStateResponse> Uploads::UploadState(
    const v1::Device& device, const v1::GetUploadStateRequest& req) {
  Violations v;
  records::CheckClientId("session_id", req.session_id(), v);
  RETURN_IF_ERROR(v.ToStatus());
  v1::GetUploadStateResponse resp;
  ASSIGN_OR_RETURN(std::optional<v1::Session> session,
                   FindSession(device.device_id(), req.session_id()));
  if (!session) return resp;  // known = false
  ASSIGN_OR_RETURN(ChunkTimeline stored, ScanStoredChunks(session->session_id()));
  resp.set_known(true);
  resp.set_server_session_id(session->session_id());
  resp.set_next_seq(stored.next_seq());
  for (uint32_t seq : stored.StoredAbove()) resp.add_stored_above(seq);
  resp.set_finalized(session->finalized());
  return resp;
}

}  // namespace tractus::device_gateway
