// Records: clinics.
#include "absl/strings/str_cat.h"
#include "common/ids.h"
#include "common/status_macros.h"
#include "records/idempotency.h"
#include "records/pagination.h"
#include "records/records.h"
#include "records/time_proto.h"
#include "records/validation.h"
#include "storage/key_codec.h"
#include "storage/proto_io.h"

namespace tractus::records {

using storage::Cf;

Records::Records(storage::Store* store, const Clock* clock,
                 const analytics::TScoreTable* tscore_table)
    : store_(store), clock_(clock), tscore_table_(tscore_table) {}

absl::StatusOr<v1::Clinic> Records::LoadClinic(const std::string& clinic_id) const {
  auto clinic = storage::GetRecord<v1::Clinic>(*store_, Cf::kClinics,
                                               storage::ClinicKey(clinic_id), "clinic");
  if (absl::IsNotFound(clinic.status())) {
    return absl::NotFoundError(absl::StrCat("clinic ", clinic_id, " not found"));
  }
  return clinic;
}

absl::StatusOr<v1::CreateClinicResponse> Records::CreateClinic(
    const v1::CreateClinicRequest& req) {
  Violations v;
  CheckClientId("request_id", req.request_id(), v);
  if (!req.has_clinic()) {
    v.Add("clinic", "required");
  } else {
    CheckClinic("clinic", req.clinic(), v);
    if (!req.clinic().clinic_id().empty()) {
      CheckOpaqueId("clinic.clinic_id", req.clinic().clinic_id(), kClinicIdPrefix, v);
    }
  }
  RETURN_IF_ERROR(v.ToStatus());

  // Only client-supplied fields make up the request's identity.
  v1::Clinic input;
  input.set_clinic_id(req.clinic().clinic_id());
  input.set_display_name(req.clinic().display_name());
  input.set_time_zone(req.clinic().time_zone());
  // Clinics are the administrators' one namespace.
  CreateOnce once(*store_, locks_, storage::RequestKind::kCreateClinic, "", req.request_id(),
                  input, [](const std::string&) -> absl::StatusOr<std::string> { return ""; });
  ASSIGN_OR_RETURN(auto prior, once.PriorResourceId());
  v1::CreateClinicResponse resp;
  if (prior.has_value()) {
    ASSIGN_OR_RETURN(*resp.mutable_clinic(), LoadClinic(*prior));
    return resp;
  }
  v1::Clinic clinic = input;
  if (clinic.clinic_id().empty()) {
    clinic.set_clinic_id(NewOpaqueId(kClinicIdPrefix));
  } else {
    // A proposed id (sharded deployments route by it before it exists).
    auto taken = LoadClinic(clinic.clinic_id());
    if (taken.ok()) {
      return absl::AlreadyExistsError(
          absl::StrCat("clinic.clinic_id: ", clinic.clinic_id(), " is taken"));
    }
    if (!absl::IsNotFound(taken.status())) return taken.status();
  }
  *clinic.mutable_create_time() = ToProto(clock_->Now());

  storage::WriteBatch batch;
  storage::PutRecord(batch, Cf::kClinics, storage::ClinicKey(clinic.clinic_id()), clinic);
  RETURN_IF_ERROR(once.Commit(batch, clinic.clinic_id()));
  *resp.mutable_clinic() = std::move(clinic);
  return resp;
}

absl::StatusOr<v1::GetClinicResponse> Records::GetClinic(const v1::GetClinicRequest& req) {
  Violations v;
  CheckOpaqueId("clinic_id", req.clinic_id(), kClinicIdPrefix, v);
  RETURN_IF_ERROR(v.ToStatus());
  v1::GetClinicResponse resp;
  ASSIGN_OR_RETURN(*resp.mutable_clinic(), LoadClinic(req.clinic_id()));
  return resp;
}

absl::StatusOr<v1::ListClinicsResponse> Records::ListClinics(
    const v1::ListClinicsRequest& req) {
  ASSIGN_OR_RETURN(int page_size, EffectivePageSize(req.page_size(), 50));
  PageQuery query{Cf::kClinics, "", "", "clinics", page_size, req.page_token()};
  v1::ListClinicsResponse resp;
  ASSIGN_OR_RETURN(
      *resp.mutable_next_page_token(),
      ScanPage(*store_, query, [&](absl::string_view, absl::string_view value)
                                   -> absl::StatusOr<bool> {
        ASSIGN_OR_RETURN(*resp.add_clinics(),
                         storage::ParseRecord<v1::Clinic>(value, "clinic"));
        return true;
      }));
  return resp;
}

}  // namespace tractus::records
