#include "device_gateway/telemetry.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/wire_format_lite.h>

#include <limits>

#include "absl/strings/str_cat.h"

namespace tractus::device_gateway {
namespace {

constexpr uint32_t kKnownFlags = v1::SAMPLE_FLAG_PATIENT_STOP | v1::SAMPLE_FLAG_PAUSED;
constexpr int32_t kMaxAngleDecideg = 300;

ChunkProblem Invalid(int index, std::string reason) {
  return {absl::StatusCode::kInvalidArgument, index, std::move(reason)};
}

// Prefix sums of a delta-coded column into `out`; false on overflow.
template <typename Wire, typename Value>
bool Undelta(const google::protobuf::RepeatedField<Wire>& deltas, std::vector<Value>* out) {
  out->clear();
  out->reserve(deltas.size());
  int64_t running = 0;
  for (Wire d : deltas) {
    if (__builtin_add_overflow(running, static_cast<int64_t>(d), &running)) return false;
    if (running < std::numeric_limits<Value>::min() ||
        running > std::numeric_limits<Value>::max()) {
      return false;
    }
    out->push_back(static_cast<Value>(running));
  }
  return true;
}

template <typename Value, typename Wire>
void Delta(const std::vector<Value>& values, google::protobuf::RepeatedField<Wire>* out) {
  out->Clear();
  out->Reserve(static_cast<int>(values.size()));
  Value previous = 0;
  for (Value v : values) {
    out->Add(static_cast<Wire>(v - previous));
    previous = v;
  }
}

}  // namespace

std::optional<ChunkProblem> DecodeChunk(const v1::TelemetryChunk& chunk, Samples* out) {
  const int n = chunk.offset_ms_size();
  if (chunk.measured_force_dn_size() != n || chunk.target_force_dn_size() != n ||
      chunk.angle_decideg_size() != n || chunk.flags_size() != n) {
    return Invalid(-1, absl::StrCat("columns differ in length (offset_ms has ", n,
                                    " entries; every column needs one per sample)"));
  }
  if (!Undelta(chunk.offset_ms(), &out->offset_ms) ||
      !Undelta(chunk.measured_force_dn(), &out->measured_dn) ||
      !Undelta(chunk.target_force_dn(), &out->target_dn) ||
      !Undelta(chunk.angle_decideg(), &out->angle_decideg)) {
    return Invalid(-1, "a delta-coded column overflows");
  }
  out->flags.assign(chunk.flags().begin(), chunk.flags().end());
  return std::nullopt;
}

std::optional<ChunkProblem> CheckChunk(const Samples& s, const v1::TelemetryChunk& chunk,
                                       const ChunkRules& rules) {
  const int n = static_cast<int>(s.size());
  if (n == 0) return Invalid(-1, "a chunk needs at least one sample");
  if (n > rules.max_samples_per_chunk) {
    return ChunkProblem{absl::StatusCode::kResourceExhausted, -1,
                        absl::StrCat(n, " samples; at most ", rules.max_samples_per_chunk,
                                     " per chunk")};
  }
  const int32_t max_target = static_cast<int32_t>(rules.protocol_max_dn * 1.05 + 0.5);
  for (int i = 0; i < n; ++i) {
    if (s.offset_ms[i] < 0 || s.offset_ms[i] > rules.max_offset_ms) {
      return Invalid(i, absl::StrCat("offset ", s.offset_ms[i], " ms is outside 0..",
                                     rules.max_offset_ms, " ms of the session"));
    }
    if (i > 0 && s.offset_ms[i] <= s.offset_ms[i - 1]) {
      return Invalid(i, absl::StrCat("time goes backwards or repeats: ", s.offset_ms[i],
                                     " ms after ", s.offset_ms[i - 1], " ms"));
    }
    if (s.measured_dn[i] < 0 || s.measured_dn[i] > rules.max_force_dn) {
      return Invalid(i, absl::StrCat("measured force ", s.measured_dn[i] / 10.0,
                                     " N is outside 0..", rules.max_force_dn / 10.0, " N"));
    }
    if (s.target_dn[i] < 0 || s.target_dn[i] > max_target) {
      return Invalid(i, absl::StrCat("target force ", s.target_dn[i] / 10.0,
                                     " N is outside 0..", max_target / 10.0,
                                     " N (the protocol maximum + 5 %)"));
    }
    if (s.angle_decideg[i] < 0 || s.angle_decideg[i] > kMaxAngleDecideg) {
      return Invalid(i, absl::StrCat("angle ", s.angle_decideg[i] / 10.0,
                                     " degrees is outside 0..30"));
    }
    if ((s.flags[i] & ~kKnownFlags) != 0) {
      return Invalid(i, absl::StrCat("unknown flag bits ", s.flags[i] & ~kKnownFlags));
    }
  }
  for (const v1::SessionEvent& e : chunk.events()) {
    if (e.kind() == v1::SESSION_EVENT_KIND_UNSPECIFIED ||
        !v1::SessionEventKind_IsValid(e.kind())) {
      return Invalid(-1, absl::StrCat("unknown event kind ", e.kind()));
    }
    if (e.offset_ms() < s.offset_ms.front() || e.offset_ms() > s.offset_ms.back()) {
      return Invalid(-1, absl::StrCat("event at ", e.offset_ms(),
                                      " ms lies outside the chunk's samples"));
    }
  }
  return std::nullopt;
}

absl::string_view ChunkWireOf(absl::string_view request_wire) {
  using google::protobuf::internal::WireFormatLite;
  google::protobuf::io::CodedInputStream in(reinterpret_cast<const uint8_t*>(request_wire.data()),
                                            static_cast<int>(request_wire.size()));
  const uint32_t expected_tag = WireFormatLite::MakeTag(v1::UploadSessionRequest::kChunkFieldNumber,
                                                        WireFormatLite::WIRETYPE_LENGTH_DELIMITED);
  uint32_t length = 0;
  if (in.ReadTag() != expected_tag || !in.ReadVarint32(&length)) return {};
  const size_t start = static_cast<size_t>(in.CurrentPosition());
  if (start + length != request_wire.size()) return {};  // more than the one field
  return request_wire.substr(start, length);
}

void EncodeColumns(const Samples& s, v1::TelemetryChunk* chunk) {
  Delta(s.offset_ms, chunk->mutable_offset_ms());
  Delta(s.measured_dn, chunk->mutable_measured_force_dn());
  Delta(s.target_dn, chunk->mutable_target_force_dn());
  Delta(s.angle_decideg, chunk->mutable_angle_decideg());
  chunk->mutable_flags()->Assign(s.flags.begin(), s.flags.end());
}

}  // namespace tractus::device_gateway
