// The authorization policy: one row per RPC saying which roles may call it,
// what the request touches (the target whose owning clinic or patient
// scopes the call), whether the call is audited, and its limits. The server
// enforces it in one place (services/call_guard) and the test suite checks
// every cell of the role × RPC matrix derived from it over a real server.
//
// Scopes, for roles a row allows:
//   administrator  any target
//   clinician      targets of the bound clinics
//   analyst        targets of the bound clinics (every clinic when unbound)
//   patient        targets of the bound patient only
//   device         its own calls (the handler uses the device identity)
// Export jobs belong to the analyst who started them (administrators may
// see and cancel any).
// A target outside the scope answers NOT_FOUND, as a missing one does, so
// the answer does not reveal whether another clinic's record exists.
#ifndef TRACTUS_SECURITY_POLICY_H_
#define TRACTUS_SECURITY_POLICY_H_

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "google/protobuf/message.h"
#include "tractus/v1/auth.pb.h"

namespace tractus::security {

enum class TargetKind {
  kNone,       // nothing patient- or clinic-specific (role check only)
  kClinic,     // ids[0] is a clinic id
  kClinics,    // ids are clinic ids (empty: the caller's clinics)
  kPatient,    // ids[0] is a patient id
  kEpisode,    // ids[0] is an episode id
  kSession,    // ids[0] is a session id
  kDevice,     // ids[0] is a device id
  kExport,     // ids[0] is an export id (scope: the analyst who started it)
  kOwnDevice,  // the calling device itself
};

absl::string_view TargetKindName(TargetKind kind);

// What one request touches, and the request field that names it.
struct Target {
  TargetKind kind = TargetKind::kNone;
  std::string field;
  std::vector<std::string> ids;
};

using TargetFn = Target (*)(const google::protobuf::Message& request);

// A set of roles as bits (1 << role).
using RoleSet = uint32_t;
constexpr RoleSet RolesOf(std::initializer_list<v1::Role> roles) {
  RoleSet set = 0;
  for (v1::Role r : roles) set |= RoleSet{1} << static_cast<int>(r);
  return set;
}
constexpr bool Allows(RoleSet set, v1::Role role) {
  return (set >> static_cast<int>(role)) & 1;
}

struct Rule {
  // Full method name: "tractus.v1.PatientService/GetPatient".
  absl::string_view method;
  // Who may call. kPublic rows need no authentication (the request carries
  // its own credential, e.g. an enrollment token).
  RoleSet roles;
  bool is_public;
  // What the request touches; null for TargetKind::kNone.
  TargetFn target;
  // Reads or changes patient data (or security state): every call is
  // appended to the audit log, whatever its outcome.
  bool audited;
  // May run long: the client must set a deadline.
  bool needs_deadline;
  // A long-lived server stream: counts toward the caller's stream cap.
  bool long_stream;
};

// Every rule, in a fixed order.
absl::Span<const Rule> Rules();

// The rule for `method`, or null if there is none (a server bug: every
// served method must have one).
const Rule* FindRule(absl::string_view method);

// Roles that can be given to users and devices, for iterating the matrix.
inline constexpr v1::Role kAllRoles[] = {v1::ROLE_ADMINISTRATOR, v1::ROLE_CLINICIAN,
                                         v1::ROLE_ANALYST, v1::ROLE_PATIENT, v1::ROLE_DEVICE};

}  // namespace tractus::security

#endif  // TRACTUS_SECURITY_POLICY_H_
