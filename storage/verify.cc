#include "storage/verify.h"

#include "common/status_macros.h"
#include "storage/key_codec.h"
#include "storage/proto_io.h"
#include "tractus/internal/v1/auth_records.pb.h"
#include "tractus/internal/v1/device_records.pb.h"
#include "tractus/internal/v1/export_records.pb.h"
#include "tractus/internal/v1/outcome_records.pb.h"
#include "tractus/v1/admin.pb.h"
#include "tractus/v1/auth.pb.h"
#include "tractus/v1/clinic.pb.h"
#include "tractus/v1/episode.pb.h"
#include "tractus/v1/observation.pb.h"
#include "tractus/v1/patient.pb.h"
#include "tractus/v1/session.pb.h"

namespace tractus::storage {
namespace {

template <typename T>
bool Decodes(absl::string_view value) {
  return ParseRecord<T>(value, "record").ok();
}

// Whether `value` under `key` in `cf` decodes as what that family holds.
bool RecordDecodes(Cf cf, absl::string_view key, absl::string_view value) {
  const uint8_t tag = key.empty() ? 0 : static_cast<uint8_t>(key[0]);
  switch (cf) {
    case Cf::kMeta:
      return true;
    case Cf::kClinics:
      return Decodes<v1::Clinic>(value);
    case Cf::kPatients:
      return Decodes<v1::Patient>(value);
    case Cf::kIdentity:
      return tag == 'I' ? Decodes<v1::PatientIdentity>(value) : !value.empty();
    case Cf::kEpisodes:
      return Decodes<v1::Episode>(value);
    case Cf::kObservations:
      return DecodeObservationKey(key).ok() && Decodes<v1::Observation>(value);
    case Cf::kIndex:
      if (tag == kTagRequest || tag == kTagScopedRequest) return DecodeRequestRecord(value).ok();
      if (tag == kTagAlertState) return Decodes<internal::v1::AlertState>(value);
      if (tag == kTagSessionOfDevice) return !value.empty();
      if (tag == kTagSessionsByEpisode) {
        return DecodeSessionsByEpisodeKey(key).ok() &&
               (value.empty() || Decodes<v1::Session>(value));  // empty: before the copy
      }
      return true;
    case Cf::kDevices:
      return tag == 'D' ? Decodes<internal::v1::DeviceRecord>(value)
                        : Decodes<internal::v1::EnrollmentTokenRecord>(value);
    case Cf::kSessions:
      return Decodes<v1::Session>(value);
    case Cf::kTelemetry: {
      auto chunk = DecodeChunkValue(value);
      v1::TelemetryChunk parsed;
      return chunk.ok() && parsed.ParseFromArray(chunk->chunk_bytes.data(),
                                                 static_cast<int>(chunk->chunk_bytes.size()));
    }
    case Cf::kAuth:
      return tag == 'U' ? Decodes<v1::User>(value) : Decodes<internal::v1::ApiKeyRecord>(value);
    case Cf::kAudit:
      return DecodeAuditKey(key).ok() && Decodes<v1::AuditEntry>(value);
    case Cf::kJobs:
      return tag == 'J' ? Decodes<internal::v1::ExportJobRecord>(value) : value.size() == 32;
    case Cf::kCount:
      break;
  }
  return false;
}

}  // namespace

bool VerifyReport::ok() const {
  if (!checksum_error.empty()) return false;
  for (const FamilyReport& f : families) {
    if (f.damaged > 0 || f.unreadable) return false;
  }
  return true;
}

absl::StatusOr<VerifyReport> VerifyDatabase(const Store& store) {
  VerifyReport report;
  absl::Status checksums = store.VerifyChecksums();
  if (absl::IsDataLoss(checksums)) {
    report.checksum_error = std::string(checksums.message());
  } else {
    RETURN_IF_ERROR(checksums);
  }
  for (int i = 0; i < static_cast<int>(Cf::kCount); ++i) {
    const Cf cf = static_cast<Cf>(i);
    FamilyReport family{std::string(CfName(cf))};
    absl::Status scanned =
        store.Scan(cf, "", "", [&](absl::string_view key, absl::string_view value) {
          ++family.records;
          if (!RecordDecodes(cf, key, value)) ++family.damaged;
          return true;
        });
    if (absl::IsDataLoss(scanned)) {
      family.unreadable = true;
    } else {
      RETURN_IF_ERROR(scanned);
    }
    report.families.push_back(family);
  }
  return report;
}

}  // namespace tractus::storage
