#include "security/policy.h"

#include "absl/container/flat_hash_map.h"
#include "tractus/v1/admin.pb.h"
#include "tractus/v1/clinic.pb.h"
#include "tractus/v1/device.pb.h"
#include "tractus/v1/episode.pb.h"
#include "tractus/v1/export.pb.h"
#include "tractus/v1/home_report.pb.h"
#include "tractus/v1/observation.pb.h"
#include "tractus/v1/outcomes.pb.h"
#include "tractus/v1/patient.pb.h"
#include "tractus/v1/session.pb.h"

namespace tractus::security {
namespace {

using v1::ROLE_ADMINISTRATOR;
using v1::ROLE_ANALYST;
using v1::ROLE_CLINICIAN;
using v1::ROLE_DEVICE;
using v1::ROLE_PATIENT;

// A target naming one id taken from a field of the request type T. A request
// of another type names nothing (kNone with no ids), which the authorizer
// refuses: a rule bound to the wrong method cannot open access.
template <typename T, TargetKind kKind>
struct One {
  static Target Of(const google::protobuf::Message& m, absl::string_view field,
                   const std::string& (T::*get)() const) {
    const T* request = dynamic_cast<const T*>(&m);
    if (request == nullptr) return Target{TargetKind::kNone, "", {}};
    return Target{kKind, std::string(field), {(request->*get)()}};
  }
};

#define TRACTUS_TARGET(T, kind, field, getter)                                          \
  [](const google::protobuf::Message& m) {                                              \
    return One<T, TargetKind::kind>::Of(m, field,                                       \
                                        static_cast<const std::string& (T::*)() const>( \
                                            &T::getter));                               \
  }

Target CohortClinics(const google::protobuf::Message& m) {
  const auto* request = dynamic_cast<const v1::GetCohortOutcomesRequest*>(&m);
  if (request == nullptr) return Target{TargetKind::kNone, "", {}};
  return Target{TargetKind::kClinics, "clinic_ids",
                {request->clinic_ids().begin(), request->clinic_ids().end()}};
}

Target CohortPartialClinics(const google::protobuf::Message& m) {
  const auto* request = dynamic_cast<const v1::GetCohortPartialRequest*>(&m);
  if (request == nullptr) return Target{TargetKind::kNone, "", {}};
  return Target{TargetKind::kClinics, "cohort.clinic_ids",
                {request->cohort().clinic_ids().begin(), request->cohort().clinic_ids().end()}};
}

Target PatientOfCreate(const google::protobuf::Message& m) {
  const auto* request = dynamic_cast<const v1::CreatePatientRequest*>(&m);
  if (request == nullptr) return Target{TargetKind::kNone, "", {}};
  return Target{TargetKind::kClinic, "patient.clinic_id", {request->patient().clinic_id()}};
}

Target PatientOfUpdate(const google::protobuf::Message& m) {
  const auto* request = dynamic_cast<const v1::UpdatePatientRequest*>(&m);
  if (request == nullptr) return Target{TargetKind::kNone, "", {}};
  return Target{TargetKind::kPatient, "patient.patient_id", {request->patient().patient_id()}};
}

Target PatientOfEpisodeCreate(const google::protobuf::Message& m) {
  const auto* request = dynamic_cast<const v1::CreateEpisodeRequest*>(&m);
  if (request == nullptr) return Target{TargetKind::kNone, "", {}};
  return Target{TargetKind::kPatient, "episode.patient_id", {request->episode().patient_id()}};
}

Target ExportClinics(const google::protobuf::Message& m) {
  const auto* request = dynamic_cast<const v1::StartExportRequest*>(&m);
  if (request == nullptr) return Target{TargetKind::kNone, "", {}};
  return Target{TargetKind::kClinics, "filter.clinic_ids",
                {request->filter().clinic_ids().begin(), request->filter().clinic_ids().end()}};
}

Target OwnDevice(const google::protobuf::Message&) { return Target{TargetKind::kOwnDevice, "", {}}; }

constexpr RoleSet kAdmin = RolesOf({ROLE_ADMINISTRATOR});
constexpr RoleSet kClinician = RolesOf({ROLE_CLINICIAN});
constexpr RoleSet kAdminOrClinician = RolesOf({ROLE_ADMINISTRATOR, ROLE_CLINICIAN});
constexpr RoleSet kClinicianOrPatient = RolesOf({ROLE_CLINICIAN, ROLE_PATIENT});
constexpr RoleSet kDevice = RolesOf({ROLE_DEVICE});
constexpr RoleSet kAnalyst = RolesOf({ROLE_ANALYST});
constexpr RoleSet kAnalystOrAdmin = RolesOf({ROLE_ANALYST, ROLE_ADMINISTRATOR});
constexpr RoleSet kUsers = RolesOf({ROLE_ADMINISTRATOR, ROLE_CLINICIAN, ROLE_ANALYST, ROLE_PATIENT});

// clang-format off
// method                                              roles               public target                                                                              audit  deadline stream
const Rule kRules[] = {
  {"tractus.v1.ClinicService/CreateClinic",            kAdmin,             false, nullptr,                                                                            true,  false, false},
  {"tractus.v1.ClinicService/GetClinic",               kAdminOrClinician,  false, TRACTUS_TARGET(v1::GetClinicRequest, kClinic, "clinic_id", clinic_id),         false, false, false},
  {"tractus.v1.ClinicService/ListClinics",             RolesOf({ROLE_ADMINISTRATOR, ROLE_CLINICIAN, ROLE_ANALYST}), false, nullptr,                                false, false, false},
  {"tractus.v1.PatientService/CreatePatient",          kClinician,         false, PatientOfCreate,                                                                    true,  false, false},
  {"tractus.v1.PatientService/GetPatient",             kClinician,         false, TRACTUS_TARGET(v1::GetPatientRequest, kPatient, "patient_id", patient_id),      true,  false, false},
  {"tractus.v1.PatientService/UpdatePatient",          kClinician,         false, PatientOfUpdate,                                                                    true,  false, false},
  {"tractus.v1.PatientService/ListPatients",           kClinician,         false, TRACTUS_TARGET(v1::ListPatientsRequest, kClinic, "clinic_id", clinic_id),       true,  false, false},
  {"tractus.v1.EpisodeService/CreateEpisode",          kClinician,         false, PatientOfEpisodeCreate,                                                             true,  false, false},
  {"tractus.v1.EpisodeService/GetEpisode",             kClinicianOrPatient, false, TRACTUS_TARGET(v1::GetEpisodeRequest, kEpisode, "episode_id", episode_id),     true,  false, false},
  {"tractus.v1.EpisodeService/ListEpisodes",           kClinicianOrPatient, false, TRACTUS_TARGET(v1::ListEpisodesRequest, kPatient, "patient_id", patient_id),   true,  false, false},
  {"tractus.v1.EpisodeService/CloseEpisode",           kClinician,         false, TRACTUS_TARGET(v1::CloseEpisodeRequest, kEpisode, "episode_id", episode_id),    true,  false, false},
  {"tractus.v1.ObservationService/RecordObservations", kClinician,         false, TRACTUS_TARGET(v1::RecordObservationsRequest, kEpisode, "episode_id", episode_id), true, false, false},
  {"tractus.v1.ObservationService/ListObservations",   kClinician,         false, TRACTUS_TARGET(v1::ListObservationsRequest, kEpisode, "episode_id", episode_id), true, false, false},
  {"tractus.v1.HomeReportService/SubmitHomeReport",    kClinicianOrPatient, false, TRACTUS_TARGET(v1::SubmitHomeReportRequest, kEpisode, "episode_id", episode_id), true, false, false},
  {"tractus.v1.DeviceAdminService/CreateEnrollmentToken", kAdminOrClinician, false, TRACTUS_TARGET(v1::CreateEnrollmentTokenRequest, kClinic, "clinic_id", clinic_id), true, false, false},
  {"tractus.v1.DeviceAdminService/ListDevices",        kAdminOrClinician,  false, TRACTUS_TARGET(v1::ListDevicesRequest, kClinic, "clinic_id", clinic_id),        false, false, false},
  {"tractus.v1.DeviceAdminService/RevokeDevice",       kAdminOrClinician,  false, TRACTUS_TARGET(v1::RevokeDeviceRequest, kDevice, "device_id", device_id),       true,  false, false},
  {"tractus.v1.DeviceService/Enroll",                  0,                  true,  nullptr,                                                                            true,  false, false},
  {"tractus.v1.DeviceService/RotateCredential",        kDevice,            false, OwnDevice,                                                                          true,  false, false},
  {"tractus.v1.DeviceService/GetUploadLimits",         kDevice,            false, OwnDevice,                                                                          false, false, false},
  {"tractus.v1.DeviceService/GetUploadState",          kDevice,            false, OwnDevice,                                                                          false, false, false},
  {"tractus.v1.DeviceService/UploadSession",           kDevice,            false, OwnDevice,                                                                          true,  false, false},
  {"tractus.v1.SessionService/ListSessions",           kClinician,         false, TRACTUS_TARGET(v1::ListSessionsRequest, kEpisode, "episode_id", episode_id),    true,  false, false},
  {"tractus.v1.SessionService/GetSession",             kClinician,         false, TRACTUS_TARGET(v1::GetSessionRequest, kSession, "session_id", session_id),      true,  false, false},
  {"tractus.v1.SessionService/ReadTelemetry",          kClinician,         false, TRACTUS_TARGET(v1::ReadTelemetryRequest, kSession, "session_id", session_id),   true,  true,  true},
  {"tractus.v1.OutcomeService/GetEpisodeProgress",     kClinicianOrPatient, false, TRACTUS_TARGET(v1::GetEpisodeProgressRequest, kEpisode, "episode_id", episode_id), true, false, false},
  {"tractus.v1.OutcomeService/ListClinicAlerts",       kClinician,         false, TRACTUS_TARGET(v1::ListClinicAlertsRequest, kClinic, "clinic_id", clinic_id),  true,  true,  false},
  {"tractus.v1.OutcomeService/StreamClinicAlerts",     kClinician,         false, TRACTUS_TARGET(v1::StreamClinicAlertsRequest, kClinic, "clinic_id", clinic_id), true, false, true},
  {"tractus.v1.OutcomeService/GetCohortOutcomes",      RolesOf({ROLE_CLINICIAN, ROLE_ANALYST}), false, CohortClinics,                                                 true,  true,  false},
  // Shares are sealed: the caller learns nothing from one; scope is checked
  // when a share is made, suppression when shares are merged.
  {"tractus.v1.OutcomeService/GetCohortPartial",       RolesOf({ROLE_CLINICIAN, ROLE_ANALYST}), false, CohortPartialClinics,                                          true,  true,  false},
  {"tractus.v1.OutcomeService/MergeCohortPartials",    RolesOf({ROLE_CLINICIAN, ROLE_ANALYST}), false, nullptr,                                                       true,  true,  false},
  {"tractus.v1.ExportService/StartExport",             kAnalyst,           false, ExportClinics,                                                                      true,  false, false},
  {"tractus.v1.ExportService/GetExport",               kAnalystOrAdmin,    false, TRACTUS_TARGET(v1::GetExportRequest, kExport, "export_id", export_id),          false, false, false},
  {"tractus.v1.ExportService/ListExports",             kAnalystOrAdmin,    false, nullptr,                                                                            false, false, false},
  {"tractus.v1.ExportService/CancelExport",            kAnalystOrAdmin,    false, TRACTUS_TARGET(v1::CancelExportRequest, kExport, "export_id", export_id),       true,  false, false},
  {"tractus.v1.ExportService/ReadExportFile",          kAnalyst,           false, TRACTUS_TARGET(v1::ReadExportFileRequest, kExport, "export_id", export_id),     true,  true,  true},
  {"tractus.v1.AdminService/VerifyDatabase",           kAdmin,             false, nullptr,                                                                            false, true,  false},
  {"tractus.v1.AdminService/CreateUser",               kAdmin,             false, nullptr,                                                                            true,  false, false},
  {"tractus.v1.AdminService/GetUser",                  kAdmin,             false, nullptr,                                                                            false, false, false},
  {"tractus.v1.AdminService/UpdateUser",               kAdmin,             false, nullptr,                                                                            true,  false, false},
  {"tractus.v1.AdminService/ListUsers",                kAdmin,             false, nullptr,                                                                            false, false, false},
  {"tractus.v1.AdminService/CreateApiKey",             kAdmin,             false, nullptr,                                                                            true,  false, false},
  {"tractus.v1.AdminService/ListApiKeys",              kAdmin,             false, nullptr,                                                                            false, false, false},
  {"tractus.v1.AdminService/RevokeApiKey",             kAdmin,             false, nullptr,                                                                            true,  false, false},
  {"tractus.v1.AdminService/QueryAuditLog",            kAdmin,             false, nullptr,                                                                            true,  true,  false},
  {"tractus.v1.AdminService/VerifyAuditLog",           kAdmin,             false, nullptr,                                                                            false, true,  false},
  {"tractus.v1.AdminService/CreateBackup",             kAdmin,             false, nullptr,                                                                            true,  true,  false},
  {"tractus.v1.AdminService/ListBackups",              kAdmin,             false, nullptr,                                                                            false, false, false},
  {"tractus.v1.AdminService/PruneBackups",             kAdmin,             false, nullptr,                                                                            true,  false, false},
  {"tractus.v1.AdminService/VerifyBackup",             kAdmin,             false, nullptr,                                                                            false, true,  false},
  {"tractus.v1.AuthService/IssueToken",                kUsers,             false, nullptr,                                                                            false, false, false},
  {"tractus.v1.AuthService/WhoAmI",                    kUsers | kDevice,   false, nullptr,                                                                            false, false, false},
};
// clang-format on

#undef TRACTUS_TARGET

}  // namespace

absl::string_view TargetKindName(TargetKind kind) {
  switch (kind) {
    case TargetKind::kNone: return "none";
    case TargetKind::kClinic: return "clinic";
    case TargetKind::kClinics: return "clinics";
    case TargetKind::kPatient: return "patient";
    case TargetKind::kEpisode: return "episode";
    case TargetKind::kSession: return "session";
    case TargetKind::kDevice: return "device";
    case TargetKind::kExport: return "export";
    case TargetKind::kOwnDevice: return "own device";
  }
  return "unknown";
}

absl::Span<const Rule> Rules() { return kRules; }

const Rule* FindRule(absl::string_view method) {
  static const auto* const by_method = [] {
    auto* map = new absl::flat_hash_map<absl::string_view, const Rule*>();
    for (const Rule& rule : kRules) map->emplace(rule.method, &rule);
    return map;
  }();
  auto it = by_method->find(method);
  return it == by_method->end() ? nullptr : it->second;
}

}  // namespace tractus::security
