#include "security/authorizer.h"

#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "common/errors.h"
#include "common/ids.h"
#include "common/status_macros.h"
#include "records/validation.h"

namespace tractus::security {
namespace {

absl::string_view IdPrefix(TargetKind kind) {
  switch (kind) {
    case TargetKind::kClinic:
    case TargetKind::kClinics:
      return kClinicIdPrefix;
    case TargetKind::kPatient:
      return kPatientIdPrefix;
    case TargetKind::kEpisode:
      return kEpisodeIdPrefix;
    case TargetKind::kDevice:
      return kDeviceIdPrefix;
    case TargetKind::kExport:
      return kExportIdPrefix;
    default:
      return "";
  }
}

absl::Status OutOfScope(TargetKind kind, absl::string_view id) {
  return absl::NotFoundError(absl::StrCat(TargetKindName(kind), " ", id, " not found"));
}

// Whether `principal` may touch records of `owner`.
bool InScope(const Principal& principal, const Owner& owner) {
  if (!owner.export_id.empty()) {
    return principal.role == v1::ROLE_ADMINISTRATOR || owner.export_owner == principal.id;
  }
  switch (principal.role) {
    case v1::ROLE_ADMINISTRATOR:
      return true;
    case v1::ROLE_CLINICIAN:
    case v1::ROLE_DEVICE:
      return principal.InClinic(owner.clinic_id);
    case v1::ROLE_ANALYST:
      return principal.clinic_ids.empty() || principal.InClinic(owner.clinic_id);
    case v1::ROLE_PATIENT:
      return !owner.patient_id.empty() && owner.patient_id == principal.patient_id;
    default:
      return false;
  }
}

}  // namespace

namespace {

void CollectNamedIds(const google::protobuf::Message& m, int depth, Owner* o) {
  const google::protobuf::Descriptor* d = m.GetDescriptor();
  const google::protobuf::Reflection* r = m.GetReflection();
  for (int i = 0; i < d->field_count(); ++i) {
    const google::protobuf::FieldDescriptor* f = d->field(i);
    if (f->is_repeated()) continue;
    if (f->type() == google::protobuf::FieldDescriptor::TYPE_MESSAGE) {
      if (depth < 2 && r->HasField(m, f)) CollectNamedIds(r->GetMessage(m, f), depth + 1, o);
      continue;
    }
    if (f->type() != google::protobuf::FieldDescriptor::TYPE_STRING) continue;
    std::string* slot = nullptr;
    if (f->name() == "clinic_id") slot = &o->clinic_id;
    if (f->name() == "patient_id") slot = &o->patient_id;
    if (f->name() == "episode_id") slot = &o->episode_id;
    if (f->name() == "session_id") slot = &o->session_id;
    if (f->name() == "device_id") slot = &o->device_id;
    if (f->name() == "export_id") slot = &o->export_id;
    if (slot == nullptr || !slot->empty()) continue;
    const std::string value = r->GetString(m, f);
    if (value.size() <= 128) *slot = value;
  }
}

}  // namespace

Owner NamedIds(const google::protobuf::Message& request) {
  Owner o;
  CollectNamedIds(request, 0, &o);
  return o;
}

absl::StatusOr<Decision> Authorize(const Principal& principal, const Rule& rule,
                                   const google::protobuf::Message& request,
                                   const OwnerLookup& lookup) {
  if (rule.is_public) return Decision{};
  if (!Allows(rule.roles, principal.role)) {
    return absl::PermissionDeniedError(absl::StrCat(
        "role ", v1::Role_Name(principal.role), " may not call ", rule.method));
  }
  if (rule.target == nullptr) return Decision{};
  const Target target = rule.target(request);
  switch (target.kind) {
    case TargetKind::kNone:
      // A rule whose target does not fit the request type: refuse.
      return absl::InternalError(absl::StrCat("authorization rule of ", rule.method,
                                              " does not fit its request"));
    case TargetKind::kOwnDevice:
      if (principal.role != v1::ROLE_DEVICE) {
        return absl::PermissionDeniedError("only a device may make this call");
      }
      return Decision{RecordOwner(principal.clinic_ids.empty() ? "" : principal.clinic_ids[0], "", "")};
    case TargetKind::kClinics: {
      Violations v;
      for (size_t i = 0; i < target.ids.size(); ++i) {
        records::CheckOpaqueId(absl::StrCat(target.field, "[", i, "]"), target.ids[i],
                               kClinicIdPrefix, v);
      }
      RETURN_IF_ERROR(v.ToStatus());
      if (principal.role == v1::ROLE_PATIENT) {
        return absl::PermissionDeniedError("patients may not query clinics");
      }
      for (const std::string& id : target.ids) {
        if (!InScope(principal, RecordOwner(id, "", ""))) return OutOfScope(target.kind, id);
      }
      return Decision{RecordOwner(target.ids.size() == 1 ? target.ids[0] : "", "", "")};
    }
    default:
      break;
  }
  const std::string& id = target.ids.empty() ? std::string() : target.ids[0];
  if (target.kind == TargetKind::kSession) {
    Violations v;
    records::CheckClientId(target.field, id, v);
    RETURN_IF_ERROR(v.ToStatus());
  } else {
    Violations v;
    records::CheckOpaqueId(target.field, id, IdPrefix(target.kind), v);
    RETURN_IF_ERROR(v.ToStatus());
  }
  Owner owner;
  if (target.kind == TargetKind::kClinic) {
    owner.clinic_id = id;
  } else {
    auto found = lookup.Find(target.kind, id);
    if (absl::IsNotFound(found.status())) return Decision{Owner{}, /*target_missing=*/true};
    RETURN_IF_ERROR(found.status());
    owner = std::move(*found);
  }
  if (!InScope(principal, owner)) return OutOfScope(target.kind, id);
  return Decision{std::move(owner)};
}

}  // namespace tractus::security
