#include "storage/key_codec.h"

#include "absl/status/status.h"

namespace tractus::storage {
namespace {

constexpr char kEscape = '\x00';
constexpr char kEscapedNul = '\xff';
constexpr char kTerminator = '\x01';

template <typename T>
void PutBigEndian(std::string* out, T v) {
  for (int shift = (sizeof(T) - 1) * 8; shift >= 0; shift -= 8) {
    out->push_back(static_cast<char>((v >> shift) & 0xff));
  }
}

template <typename T>
bool GetBigEndian(absl::string_view* in, T* v) {
  if (in->size() < sizeof(T)) return false;
  T r = 0;
  for (size_t i = 0; i < sizeof(T); ++i) {
    r = static_cast<T>((r << 8) | static_cast<unsigned char>((*in)[i]));
  }
  in->remove_prefix(sizeof(T));
  *v = r;
  return true;
}

absl::Status Malformed(absl::string_view what) {
  return absl::DataLossError(std::string("malformed ") + std::string(what));
}

}  // namespace

KeyWriter& KeyWriter::U8(uint8_t v) { PutBigEndian(&key_, v); return *this; }
KeyWriter& KeyWriter::U16(uint16_t v) { PutBigEndian(&key_, v); return *this; }
KeyWriter& KeyWriter::U32(uint32_t v) { PutBigEndian(&key_, v); return *this; }
KeyWriter& KeyWriter::U64(uint64_t v) { PutBigEndian(&key_, v); return *this; }
KeyWriter& KeyWriter::I64(int64_t v) {
  return U64(static_cast<uint64_t>(v) ^ (uint64_t{1} << 63));
}
KeyWriter& KeyWriter::Str(absl::string_view s) {
  for (char c : s) {
    key_.push_back(c);
    if (c == kEscape) key_.push_back(kEscapedNul);
  }
  key_.push_back(kEscape);
  key_.push_back(kTerminator);
  return *this;
}

bool KeyReader::U8(uint8_t* v) { return GetBigEndian(&rest_, v); }
bool KeyReader::U16(uint16_t* v) { return GetBigEndian(&rest_, v); }
bool KeyReader::U32(uint32_t* v) { return GetBigEndian(&rest_, v); }
bool KeyReader::U64(uint64_t* v) { return GetBigEndian(&rest_, v); }
bool KeyReader::I64(int64_t* v) {
  uint64_t u;
  if (!U64(&u)) return false;
  *v = static_cast<int64_t>(u ^ (uint64_t{1} << 63));
  return true;
}
bool KeyReader::Str(std::string* s) {
  s->clear();
  for (size_t i = 0; i < rest_.size(); ++i) {
    if (rest_[i] != kEscape) {
      s->push_back(rest_[i]);
      continue;
    }
    if (i + 1 >= rest_.size()) return false;
    if (rest_[i + 1] == kTerminator) {
      rest_.remove_prefix(i + 2);
      return true;
    }
    if (rest_[i + 1] != kEscapedNul) return false;
    s->push_back(kEscape);
    ++i;
  }
  return false;  // no terminator
}

std::string PrefixSuccessor(absl::string_view prefix) {
  std::string s(prefix);
  while (!s.empty()) {
    unsigned char last = static_cast<unsigned char>(s.back());
    if (last != 0xff) {
      s.back() = static_cast<char>(last + 1);
      return s;
    }
    s.pop_back();
  }
  return s;
}

std::string ClinicKey(absl::string_view id) { return KeyWriter().Str(id).Release(); }
std::string PatientKey(absl::string_view id) { return KeyWriter().Str(id).Release(); }
std::string EpisodeKey(absl::string_view id) { return KeyWriter().Str(id).Release(); }

std::string IdentityKey(absl::string_view patient_id) {
  return KeyWriter().U8('I').Str(patient_id).Release();
}
std::string MrnKey(absl::string_view clinic_id, absl::string_view mrn) {
  return KeyWriter().U8('M').Str(clinic_id).Str(mrn).Release();
}

std::string ObservationKey(const ObservationKeyParts& p) {
  return KeyWriter()
      .Str(p.episode_id)
      .U16(p.instrument)
      .I64(p.effective_micros)
      .Str(p.observation_id)
      .Release();
}

absl::StatusOr<ObservationKeyParts> DecodeObservationKey(absl::string_view key) {
  KeyReader r(key);
  ObservationKeyParts p;
  if (!r.Str(&p.episode_id) || !r.U16(&p.instrument) ||
      !r.I64(&p.effective_micros) || !r.Str(&p.observation_id) || !r.done()) {
    return Malformed("observation key");
  }
  return p;
}

std::string ObservationEpisodePrefix(absl::string_view episode_id) {
  return KeyWriter().Str(episode_id).Release();
}
std::string ObservationInstrumentPrefix(absl::string_view episode_id,
                                        uint16_t instrument) {
  return KeyWriter().Str(episode_id).U16(instrument).Release();
}

std::string PatientsByClinicKey(absl::string_view clinic_id,
                                absl::string_view patient_id) {
  return KeyWriter().U8(kTagPatientsByClinic).Str(clinic_id).Str(patient_id).Release();
}
std::string PatientsByClinicPrefix(absl::string_view clinic_id) {
  return KeyWriter().U8(kTagPatientsByClinic).Str(clinic_id).Release();
}
absl::StatusOr<std::string> DecodePatientsByClinicKey(absl::string_view key) {
  KeyReader r(key);
  uint8_t tag;
  std::string clinic, patient;
  if (!r.U8(&tag) || tag != kTagPatientsByClinic || !r.Str(&clinic) ||
      !r.Str(&patient) || !r.done()) {
    return Malformed("patients-by-clinic key");
  }
  return patient;
}

std::string EpisodesByPatientKey(absl::string_view patient_id, int64_t start_day,
                                 absl::string_view episode_id) {
  return KeyWriter()
      .U8(kTagEpisodesByPatient)
      .Str(patient_id)
      .I64(start_day)
      .Str(episode_id)
      .Release();
}
std::string EpisodesByPatientPrefix(absl::string_view patient_id) {
  return KeyWriter().U8(kTagEpisodesByPatient).Str(patient_id).Release();
}
absl::StatusOr<std::string> DecodeEpisodesByPatientKey(absl::string_view key) {
  KeyReader r(key);
  uint8_t tag;
  std::string patient, episode;
  int64_t day;
  if (!r.U8(&tag) || tag != kTagEpisodesByPatient || !r.Str(&patient) ||
      !r.I64(&day) || !r.Str(&episode) || !r.done()) {
    return Malformed("episodes-by-patient key");
  }
  return episode;
}

std::string ObservationIdKey(absl::string_view episode_id,
                             absl::string_view observation_id) {
  return KeyWriter().U8(kTagObservationId).Str(episode_id).Str(observation_id).Release();
}

std::string ScopedRequestKey(RequestKind kind, absl::string_view scope,
                             absl::string_view request_id) {
  return KeyWriter()
      .U8(kTagScopedRequest)
      .U8(static_cast<uint8_t>(kind))
      .Str(scope)
      .Str(request_id)
      .Release();
}

std::string RequestKey(RequestKind kind, absl::string_view request_id) {
  return KeyWriter()
      .U8(kTagRequest)
      .U8(static_cast<uint8_t>(kind))
      .Str(request_id)
      .Release();
}

std::string EncodeRequestRecord(const RequestRecord& record) {
  return KeyWriter().U64(record.fingerprint).Str(record.resource_id).Release();
}

absl::StatusOr<RequestRecord> DecodeRequestRecord(absl::string_view value) {
  KeyReader r(value);
  RequestRecord record;
  if (!r.U64(&record.fingerprint) || !r.Str(&record.resource_id) || !r.done()) {
    return Malformed("request record");
  }
  return record;
}

std::string DeviceKey(absl::string_view device_id) {
  return KeyWriter().U8('D').Str(device_id).Release();
}
std::string EnrollmentTokenKey(absl::string_view token_id) {
  return KeyWriter().U8('T').Str(token_id).Release();
}

std::string DevicesByClinicKey(absl::string_view clinic_id, absl::string_view device_id) {
  return KeyWriter().U8(kTagDevicesByClinic).Str(clinic_id).Str(device_id).Release();
}
std::string DevicesByClinicPrefix(absl::string_view clinic_id) {
  return KeyWriter().U8(kTagDevicesByClinic).Str(clinic_id).Release();
}
absl::StatusOr<std::string> DecodeDevicesByClinicKey(absl::string_view key) {
  KeyReader r(key);
  uint8_t tag;
  std::string clinic, device;
  if (!r.U8(&tag) || tag != kTagDevicesByClinic || !r.Str(&clinic) || !r.Str(&device) ||
      !r.done()) {
    return Malformed("devices-by-clinic key");
  }
  return device;
}

std::string SessionKey(absl::string_view session_id) {
  return KeyWriter().Str(session_id).Release();
}
std::string SessionOfDeviceKey(absl::string_view device_id,
                              absl::string_view device_session_id) {
  return KeyWriter().U8(kTagSessionOfDevice).Str(device_id).Str(device_session_id).Release();
}
std::string SessionsByEpisodeKey(absl::string_view episode_id, int64_t start_micros,
                                 absl::string_view session_id) {
  return KeyWriter()
      .U8(kTagSessionsByEpisode)
      .Str(episode_id)
      .I64(start_micros)
      .Str(session_id)
      .Release();
}
std::string SessionsByEpisodePrefix(absl::string_view episode_id) {
  return KeyWriter().U8(kTagSessionsByEpisode).Str(episode_id).Release();
}
absl::StatusOr<std::string> DecodeSessionsByEpisodeKey(absl::string_view key) {
  KeyReader r(key);
  uint8_t tag;
  std::string episode, session;
  int64_t start;
  if (!r.U8(&tag) || tag != kTagSessionsByEpisode || !r.Str(&episode) || !r.I64(&start) ||
      !r.Str(&session) || !r.done()) {
    return Malformed("sessions-by-episode key");
  }
  return session;
}

std::string TelemetryKey(absl::string_view session_id, uint32_t seq) {
  return KeyWriter().Str(session_id).U32(seq).Release();
}
std::string TelemetryPrefix(absl::string_view session_id) {
  return KeyWriter().Str(session_id).Release();
}
absl::StatusOr<uint32_t> DecodeTelemetryKeySeq(absl::string_view key) {
  KeyReader r(key);
  std::string session;
  uint32_t seq;
  if (!r.Str(&session) || !r.U32(&seq) || !r.done()) return Malformed("telemetry key");
  return seq;
}

std::string EncodeChunkValue(int64_t first_offset_ms, int64_t last_offset_ms,
                             uint32_t samples, absl::string_view chunk_bytes) {
  std::string out = KeyWriter()
                        .U8(1)  // value format version
                        .I64(first_offset_ms)
                        .I64(last_offset_ms)
                        .U32(samples)
                        .Release();
  out.append(chunk_bytes.data(), chunk_bytes.size());
  return out;
}

absl::StatusOr<ChunkValue> DecodeChunkValue(absl::string_view value) {
  constexpr size_t kHeader = 1 + 8 + 8 + 4;
  KeyReader r(value.substr(0, std::min(value.size(), kHeader)));
  uint8_t version;
  ChunkValue v;
  if (value.size() < kHeader || !r.U8(&version) || version != 1 ||
      !r.I64(&v.first_offset_ms) || !r.I64(&v.last_offset_ms) || !r.U32(&v.samples)) {
    return Malformed("telemetry chunk value");
  }
  v.chunk_bytes = value.substr(kHeader);
  return v;
}

std::string AlertStateKey(absl::string_view episode_id) {
  return KeyWriter().U8(kTagAlertState).Str(episode_id).Release();
}

std::string SchemaVersionKey() { return KeyWriter().U8(0).Str("schema_version").Release(); }
std::string TokenSigningKeyKey() {
  return KeyWriter().U8(0).Str("token_signing_key").Release();
}
std::string ShardIdKey() { return KeyWriter().U8(0).Str("shard_id").Release(); }
std::string RecordKeySecretKey() {
  return KeyWriter().U8(0).Str("record_key_secret").Release();
}
std::string AuditHeadKey() { return KeyWriter().U8(0).Str("audit_head").Release(); }

std::string UserKey(absl::string_view user_id) {
  return KeyWriter().U8('U').Str(user_id).Release();
}
std::string UserPrefix() { return KeyWriter().U8('U').Release(); }
std::string ApiKeyKey(absl::string_view key_id) {
  return KeyWriter().U8('K').Str(key_id).Release();
}
std::string ApiKeyPrefix() { return KeyWriter().U8('K').Release(); }

std::string ExportJobKey(absl::string_view export_id) {
  return KeyWriter().U8('J').Str(export_id).Release();
}
std::string ExportJobPrefix() { return KeyWriter().U8('J').Release(); }
std::string LinkageKeyKey(absl::string_view name) {
  return KeyWriter().U8('L').Str(name).Release();
}

std::string AuditKey(uint64_t sequence) { return KeyWriter().U64(sequence).Release(); }
absl::StatusOr<uint64_t> DecodeAuditKey(absl::string_view key) {
  KeyReader r(key);
  uint64_t sequence = 0;
  if (!r.U64(&sequence) || !r.done()) return Malformed("audit key");
  return sequence;
}

}  // namespace tractus::storage
