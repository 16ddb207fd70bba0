// The one place that knows the byte layout of Tractus keys.
//
// Primitives (KeyWriter / KeyReader) are order-preserving: comparing two
// encoded keys bytewise (RocksDB's default comparator) gives the same order
// as comparing their components one by one.
//   - unsigned integers: big-endian, fixed width;
//   - signed 64-bit integers: big-endian with the sign bit flipped;
//   - strings: self-delimiting; 0x00 is escaped as 0x00 0xFF and the string
//     ends with 0x00 0x01, so "a" < "a\0" < "ab" holds after encoding and no
//     string is a prefix of another's encoding.
//
// Record keys (below) are built only with these functions.
// DO NOT CHANGE THE LAYOUT OR THE TAGS: they are embedded in the on-disk data;
// key_codec_test.cc pins golden bytes for every key kind.
#ifndef TRACTUS_STORAGE_KEY_CODEC_H_
#define TRACTUS_STORAGE_KEY_CODEC_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace tractus::storage {

// Appends key components to a string. Not thread-safe.
class KeyWriter {
 public:
  KeyWriter& U8(uint8_t v);
  KeyWriter& U16(uint16_t v);
  KeyWriter& U32(uint32_t v);
  KeyWriter& U64(uint64_t v);
  KeyWriter& I64(int64_t v);
  KeyWriter& Str(absl::string_view s);
  const std::string& key() const { return key_; }
  std::string Release() { return std::move(key_); }

 private:
  std::string key_;
};

// Reads components back in the order they were written. Every method fails
// (returns false) on truncated or malformed input and never reads past the
// end: keys may come from a damaged file or a client-supplied page token.
class KeyReader {
 public:
  explicit KeyReader(absl::string_view key) : rest_(key) {}
  [[nodiscard]] bool U8(uint8_t* v);
  [[nodiscard]] bool U16(uint16_t* v);
  [[nodiscard]] bool U32(uint32_t* v);
  [[nodiscard]] bool U64(uint64_t* v);
  [[nodiscard]] bool I64(int64_t* v);
  [[nodiscard]] bool Str(std::string* s);
  bool done() const { return rest_.empty(); }

 private:
  absl::string_view rest_;
};

// The smallest key greater than every key that starts with `prefix`
// (the exclusive upper bound of a prefix scan). Empty if there is none.
std::string PrefixSuccessor(absl::string_view prefix);

// ---- Record keys --------------------------------------------------------
// Each column family holds one record kind; the index family holds several,
// told apart by a leading tag byte.

// clinics CF: clinic_id.
std::string ClinicKey(absl::string_view clinic_id);
// patients CF: patient_id (clinical record, no identifying data).
std::string PatientKey(absl::string_view patient_id);
// episodes CF: episode_id.
std::string EpisodeKey(absl::string_view episode_id);

// identity CF, tag 'I': patient_id -> PatientIdentity.
std::string IdentityKey(absl::string_view patient_id);
// identity CF, tag 'M': (clinic_id, mrn) -> patient_id. Lives beside the
// identity records because an MRN is identifying.
std::string MrnKey(absl::string_view clinic_id, absl::string_view mrn);

// observations CF: (episode_id, instrument, effective time in microseconds
// since the Unix epoch, observation_id). One episode's observations are one
// contiguous range; within it, one instrument's are contiguous and in time
// order.
struct ObservationKeyParts {
  std::string episode_id;
  uint16_t instrument = 0;
  int64_t effective_micros = 0;
  std::string observation_id;
};
std::string ObservationKey(const ObservationKeyParts& parts);
absl::StatusOr<ObservationKeyParts> DecodeObservationKey(absl::string_view key);
std::string ObservationEpisodePrefix(absl::string_view episode_id);
std::string ObservationInstrumentPrefix(absl::string_view episode_id,
                                        uint16_t instrument);

// index CF tags.
inline constexpr uint8_t kTagPatientsByClinic = 'P';
inline constexpr uint8_t kTagEpisodesByPatient = 'E';
inline constexpr uint8_t kTagObservationId = 'O';
inline constexpr uint8_t kTagRequest = 'R';
inline constexpr uint8_t kTagScopedRequest = 'Q';

// 'P' (clinic_id, patient_id) -> "".
std::string PatientsByClinicKey(absl::string_view clinic_id,
                                absl::string_view patient_id);
std::string PatientsByClinicPrefix(absl::string_view clinic_id);
// Returns the patient_id of a PatientsByClinicKey.
absl::StatusOr<std::string> DecodePatientsByClinicKey(absl::string_view key);

// 'E' (patient_id, start day since 1970-01-01, episode_id) -> "".
std::string EpisodesByPatientKey(absl::string_view patient_id,
                                 int64_t start_day, absl::string_view episode_id);
std::string EpisodesByPatientPrefix(absl::string_view patient_id);
// Returns the episode_id of an EpisodesByPatientKey.
absl::StatusOr<std::string> DecodeEpisodesByPatientKey(absl::string_view key);

// 'O' (episode_id, observation_id) -> ObservationKey of the stored record.
std::string ObservationIdKey(absl::string_view episode_id,
                             absl::string_view observation_id);

// Kinds of idempotent create. DO NOT CHANGE THESE VALUES.
enum class RequestKind : uint8_t {
  kCreateClinic = 1,
  kCreatePatient = 2,
  kCreateEpisode = 3,
};
// 'Q' (kind, scope, request_id) -> RequestRecord. Request ids are per
// tenant: `scope` is the clinic the created record belongs to ("" for
// clinics themselves, which administrators create).
std::string ScopedRequestKey(RequestKind kind, absl::string_view scope,
                             absl::string_view request_id);
// 'R' (kind, request_id) -> RequestRecord: how stores made before request
// ids were scoped keep them. Read (for replays of those requests), never
// written.
std::string RequestKey(RequestKind kind, absl::string_view request_id);

// The value of a RequestKey: a fingerprint of the request's content and the
// id of the resource it created.
struct RequestRecord {
  uint64_t fingerprint = 0;
  std::string resource_id;
};
std::string EncodeRequestRecord(const RequestRecord& record);
absl::StatusOr<RequestRecord> DecodeRequestRecord(absl::string_view value);

// devices CF, tag 'D': device_id -> DeviceRecord.
std::string DeviceKey(absl::string_view device_id);
// devices CF, tag 'T': token_id -> EnrollmentTokenRecord.
std::string EnrollmentTokenKey(absl::string_view token_id);

// index CF 'V' (clinic_id, device_id) -> "".
inline constexpr uint8_t kTagDevicesByClinic = 'V';
std::string DevicesByClinicKey(absl::string_view clinic_id, absl::string_view device_id);
std::string DevicesByClinicPrefix(absl::string_view clinic_id);
absl::StatusOr<std::string> DecodeDevicesByClinicKey(absl::string_view key);

// sessions CF: session_id -> Session. The session id is the server's
// (device_gateway/session_names.h); the table's own id is scoped to its device.
std::string SessionKey(absl::string_view session_id);
// index CF 'U' (device_id, the table's session id) -> the server's session
// id: how a table's header finds the session it resumes.
inline constexpr uint8_t kTagSessionOfDevice = 'U';
std::string SessionOfDeviceKey(absl::string_view device_id, absl::string_view device_session_id);
// index CF 'S' (episode_id, session start µs, session_id) -> a copy of
// the Session, written in the same batch as the sessions CF record, so an
// episode's sessions are one range (the views read them all). Empty in
// stores written before the copy: readers then read the sessions CF.
inline constexpr uint8_t kTagSessionsByEpisode = 'S';
std::string SessionsByEpisodeKey(absl::string_view episode_id, int64_t start_micros,
                                 absl::string_view session_id);
std::string SessionsByEpisodePrefix(absl::string_view episode_id);
absl::StatusOr<std::string> DecodeSessionsByEpisodeKey(absl::string_view key);

// telemetry CF: (session_id, seq) -> chunk value. One session's chunks are
// one contiguous range in seq order.
std::string TelemetryKey(absl::string_view session_id, uint32_t seq);
std::string TelemetryPrefix(absl::string_view session_id);
absl::StatusOr<uint32_t> DecodeTelemetryKeySeq(absl::string_view key);

// A stored telemetry chunk: the time span it covers (for cross-chunk
// monotonicity checks without decoding samples) and the chunk's bytes as
// received.
struct ChunkValue {
  int64_t first_offset_ms = 0;
  int64_t last_offset_ms = 0;
  uint32_t samples = 0;
  absl::string_view chunk_bytes;  // points into the decoded value
};
std::string EncodeChunkValue(int64_t first_offset_ms, int64_t last_offset_ms,
                             uint32_t samples, absl::string_view chunk_bytes);
// REQUIRES: `value` outlives the result (chunk_bytes points into it).
absl::StatusOr<ChunkValue> DecodeChunkValue(absl::string_view value);

// index CF 'A' (episode_id) -> AlertState: the alert keys last in force.
inline constexpr uint8_t kTagAlertState = 'A';
std::string AlertStateKey(absl::string_view episode_id);

// default CF: the schema version record.
std::string SchemaVersionKey();
// default CF: the key that signs access tokens (32 random bytes).
std::string TokenSigningKeyKey();
// default CF: this data directory's shard id ("sh_" + 16 hex digits).
std::string ShardIdKey();
// default CF: the secret record keys of aggregates derive from (32 random
// bytes; analytics/disclosure.h) when no cluster key is configured.
std::string RecordKeySecretKey();
// default CF: the audit chain's head (AuditHead), written with each entry.
std::string AuditHeadKey();

// auth CF, tag 'U': user_id -> tractus.v1.User.
std::string UserKey(absl::string_view user_id);
std::string UserPrefix();
// auth CF, tag 'K': key_id -> ApiKeyRecord.
std::string ApiKeyKey(absl::string_view key_id);
std::string ApiKeyPrefix();

// jobs CF, tag 'J': export_id -> ExportJobRecord.
std::string ExportJobKey(absl::string_view export_id);
std::string ExportJobPrefix();
// jobs CF, tag 'L': linkage key name -> the 32-byte secret of that name.
std::string LinkageKeyKey(absl::string_view name);

// audit CF: big-endian sequence -> AuditEntry, so keys sort in log order.
std::string AuditKey(uint64_t sequence);
absl::StatusOr<uint64_t> DecodeAuditKey(absl::string_view key);

}  // namespace tractus::storage

#endif  // TRACTUS_STORAGE_KEY_CODEC_H_
