// The authorization decision for one call: the role check and the scope
// check of policy.h, given who is calling and what the request touches.
// Pure apart from OwnerLookup, which reads who owns a record.
#ifndef TRACTUS_SECURITY_AUTHORIZER_H_
#define TRACTUS_SECURITY_AUTHORIZER_H_

#include <string>

#include "absl/status/statusor.h"
#include "google/protobuf/message.h"
#include "security/policy.h"
#include "security/principal.h"

namespace tractus::security {

// Whose a record is: every field that applies to it.
struct Owner {
  std::string clinic_id;
  std::string patient_id;
  std::string episode_id;
  // Export jobs: the job and the principal who started it.
  std::string export_id;
  std::string export_owner;
  // Uploads and telemetry reads: the session and the device.
  std::string session_id;
  std::string device_id;
};

// Every id `request` names — fields called clinic_id, patient_id,
// episode_id, session_id, device_id or export_id, at the top level or in a
// message field (first one wins; values over 128 characters are not ids and
// are skipped): what an audit entry of a refused call records, so a probe
// of another clinic's record shows in an audit query for that record.
Owner NamedIds(const google::protobuf::Message& request);

// An owner of clinical records.
inline Owner RecordOwner(std::string clinic_id, std::string patient_id = "",
                         std::string episode_id = "") {
  Owner o;
  o.clinic_id = std::move(clinic_id);
  o.patient_id = std::move(patient_id);
  o.episode_id = std::move(episode_id);
  return o;
}

class OwnerLookup {
 public:
  virtual ~OwnerLookup() = default;
  // The owner of the record `kind`/`id` (kPatient, kEpisode, kSession,
  // kDevice or kExport); NOT_FOUND naming it if it does not exist.
  virtual absl::StatusOr<Owner> Find(TargetKind kind, const std::string& id) const = 0;
};

struct Decision {
  // The target's owner, for the audit log.
  Owner owner;
  // The target does not exist (yet). The call may go ahead — the domain
  // function validates the request and answers NOT_FOUND itself — but its
  // result must be authorized again before it is returned (the record may
  // have appeared meanwhile).
  bool target_missing = false;
};

// OK when `principal` may make the call `rule` describes with `request`:
//   PERMISSION_DENIED  the role may not call the method at all
//   NOT_FOUND          the target exists outside the principal's scope
//                      (answered as for a missing record, on purpose)
//   INVALID_ARGUMENT   the field naming the target is empty or malformed
absl::StatusOr<Decision> Authorize(const Principal& principal, const Rule& rule,
                                   const google::protobuf::Message& request,
                                   const OwnerLookup& lookup);

}  // namespace tractus::security

#endif  // TRACTUS_SECURITY_AUTHORIZER_H_
