#include "security/user_validation.h"

#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/ids.h"
#include "records/time_proto.h"
#include "records/validation.h"

namespace tractus::security {
namespace {

void CheckLabel(absl::string_view field, absl::string_view label, bool required,
                Violations& v) {
  if (required && label.empty()) {
    v.Add(std::string(field), "required");
  } else if (label.size() > kMaxLabelLength) {
    v.Add(std::string(field), absl::StrCat("at most ", kMaxLabelLength, " characters"));
  }
}

}  // namespace

void CheckUser(absl::string_view field, const v1::User& user, Violations& v) {
  const std::string prefix = field.empty() ? "" : absl::StrCat(field, ".");
  CheckLabel(prefix + "display_name", user.display_name(), /*required=*/true, v);
  const std::string clinics_field = prefix + "clinic_ids";
  const std::string patient_field = prefix + "patient_id";
  switch (user.role()) {
    case v1::ROLE_ADMINISTRATOR:
      if (user.clinic_ids_size() > 0) v.Add(clinics_field, "must be empty for administrators");
      if (!user.patient_id().empty()) v.Add(patient_field, "must be empty for administrators");
      break;
    case v1::ROLE_CLINICIAN:
    case v1::ROLE_ANALYST:
      if (!user.patient_id().empty()) v.Add(patient_field, "only patients name a patient");
      break;
    case v1::ROLE_PATIENT:
      if (user.clinic_ids_size() > 0) v.Add(clinics_field, "must be empty for patients");
      records::CheckOpaqueId(patient_field, user.patient_id(), kPatientIdPrefix, v);
      break;
    case v1::ROLE_DEVICE:
      v.Add(prefix + "role", "devices enroll with a token (DeviceService.Enroll)");
      break;
    default:
      v.Add(prefix + "role", "required: administrator, clinician, analyst or patient");
      break;
  }
  if (user.clinic_ids_size() > kMaxUserClinics) {
    v.Add(clinics_field, absl::StrCat("at most ", kMaxUserClinics, " clinics"));
    return;
  }
  std::set<std::string> seen;
  for (int i = 0; i < user.clinic_ids_size(); ++i) {
    const std::string item = absl::StrCat(clinics_field, "[", i, "]");
    records::CheckOpaqueId(item, user.clinic_ids(i), kClinicIdPrefix, v);
    if (!seen.insert(user.clinic_ids(i)).second) v.Add(item, "listed twice");
  }
}

void CheckCreateApiKey(const v1::CreateApiKeyRequest& req, absl::Time now, Violations& v) {
  records::CheckOpaqueId("user_id", req.user_id(), kUserIdPrefix, v);
  CheckLabel("description", req.description(), /*required=*/false, v);
  if (req.has_expire_time()) {
    if (!records::IsValidTimestamp(req.expire_time())) {
      v.Add("expire_time", "not a valid timestamp");
    } else if (records::FromProto(req.expire_time()) <= now) {
      v.Add("expire_time", "must be in the future");
    }
  }
}

}  // namespace tractus::security
