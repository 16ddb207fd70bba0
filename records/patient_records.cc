// Records: patients. Identifying data lives in the identity column family;
// the patients family holds only the opaque id, clinic and times.
#include "absl/strings/match.h"
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
namespace {

using storage::Cf;

// Lock key for an MRN: conservative (not per clinic), so it can be taken
// before the patient's clinic is known.
std::string MrnLockKey(absl::string_view mrn) { return absl::StrCat("mrn\x01", mrn); }

absl::Status MrnTaken() {
  return absl::AlreadyExistsError(
      "patient.identity.mrn is already used by another patient of this clinic");
}

// Copies the identity fields named by `paths` (already validated) from
// `from` into `to`.
void MergeIdentity(const v1::PatientIdentity& from,
                   const std::vector<std::string>& paths, v1::PatientIdentity* to) {
  for (const std::string& p : paths) {
    if (p == "given_name") to->set_given_name(from.given_name());
    if (p == "family_name") to->set_family_name(from.family_name());
    if (p == "birth_date") *to->mutable_birth_date() = from.birth_date();
    if (p == "sex") to->set_sex(from.sex());
    if (p == "zip_code") to->set_zip_code(from.zip_code());
    if (p == "mrn") to->set_mrn(from.mrn());
    if (p == "phone") to->set_phone(from.phone());
    if (p == "email") to->set_email(from.email());
  }
}

}  // namespace

absl::StatusOr<v1::Patient> Records::LoadPatient(const std::string& patient_id) const {
  auto patient = storage::GetRecord<v1::Patient>(
      *store_, Cf::kPatients, storage::PatientKey(patient_id), "patient");
  if (absl::IsNotFound(patient.status())) {
    return absl::NotFoundError(absl::StrCat("patient ", patient_id, " not found"));
  }
  return patient;
}

absl::StatusOr<v1::Patient> Records::LoadPatientWithIdentity(
    const std::string& patient_id) const {
  ASSIGN_OR_RETURN(v1::Patient patient, LoadPatient(patient_id));
  auto identity = storage::GetRecord<v1::PatientIdentity>(
      *store_, Cf::kIdentity, storage::IdentityKey(patient_id), "patient identity");
  if (absl::IsNotFound(identity.status())) {
    return absl::DataLossError(absl::StrCat("patient ", patient_id,
                                            " has no identity record"));
  }
  RETURN_IF_ERROR(identity.status());
  *patient.mutable_identity() = std::move(*identity);
  return patient;
}

absl::StatusOr<storage::RecordList<v1::PatientIdentity>> Records::IdentitiesOfPatients(
    const std::vector<std::string>& patient_ids) const {
  std::vector<std::string> keys;
  keys.reserve(patient_ids.size());
  for (const std::string& id : patient_ids) keys.push_back(storage::IdentityKey(id));
  auto identities =
      storage::GetRecordList<v1::PatientIdentity>(*store_, Cf::kIdentity, keys, "patient identity");
  if (absl::IsNotFound(identities.status())) {  // every patient has one
    return absl::DataLossError(identities.status().message());
  }
  return identities;
}

absl::StatusOr<v1::CreatePatientResponse> Records::CreatePatient(
    const v1::CreatePatientRequest& req) {
  const absl::Time now = clock_->Now();
  Violations v;
  CheckClientId("request_id", req.request_id(), v);
  if (!req.has_patient()) {
    v.Add("patient", "required");
  } else {
    CheckOpaqueId("patient.clinic_id", req.patient().clinic_id(), kClinicIdPrefix, v);
    if (!req.patient().has_identity()) {
      v.Add("patient.identity", "required");
    } else {
      CheckIdentity("patient.identity", req.patient().identity(), now, v);
    }
  }
  RETURN_IF_ERROR(v.ToStatus());

  v1::Patient input;
  input.set_clinic_id(req.patient().clinic_id());
  *input.mutable_identity() = req.patient().identity();
  const std::string mrn_lock = MrnLockKey(input.identity().mrn());
  // Request ids are the clinic's own.
  CreateOnce once(
      *store_, locks_, storage::RequestKind::kCreatePatient, input.clinic_id(), req.request_id(),
      input,
      [this](const std::string& patient_id) -> absl::StatusOr<std::string> {
        ASSIGN_OR_RETURN(v1::Patient patient, LoadPatient(patient_id));
        return patient.clinic_id();
      },
      mrn_lock);
  ASSIGN_OR_RETURN(auto prior, once.PriorResourceId());
  v1::CreatePatientResponse resp;
  if (prior.has_value()) {
    ASSIGN_OR_RETURN(*resp.mutable_patient(), LoadPatientWithIdentity(*prior));
    return resp;
  }
  RETURN_IF_ERROR(LoadClinic(input.clinic_id()).status());
  const std::string mrn_key = storage::MrnKey(input.clinic_id(), input.identity().mrn());
  absl::StatusOr<std::string> taken = store_->Get(Cf::kIdentity, mrn_key);
  if (taken.ok()) return MrnTaken();
  if (!absl::IsNotFound(taken.status())) return taken.status();

  v1::Patient record;
  record.set_patient_id(NewOpaqueId(kPatientIdPrefix));
  record.set_clinic_id(input.clinic_id());
  *record.mutable_create_time() = ToProto(now);
  *record.mutable_update_time() = record.create_time();

  storage::WriteBatch batch;
  storage::PutRecord(batch, Cf::kPatients, storage::PatientKey(record.patient_id()), record);
  storage::PutRecord(batch, Cf::kIdentity, storage::IdentityKey(record.patient_id()),
                     input.identity());
  batch.Put(Cf::kIdentity, mrn_key, record.patient_id());
  batch.Put(Cf::kIndex, storage::PatientsByClinicKey(record.clinic_id(), record.patient_id()), "");
  RETURN_IF_ERROR(once.Commit(batch, record.patient_id()));

  *record.mutable_identity() = input.identity();
  *resp.mutable_patient() = std::move(record);
  return resp;
}

absl::StatusOr<v1::GetPatientResponse> Records::GetPatient(const v1::GetPatientRequest& req) {
  Violations v;
  CheckOpaqueId("patient_id", req.patient_id(), kPatientIdPrefix, v);
  RETURN_IF_ERROR(v.ToStatus());
  v1::GetPatientResponse resp;
  ASSIGN_OR_RETURN(*resp.mutable_patient(), LoadPatientWithIdentity(req.patient_id()));
  return resp;
}

absl::StatusOr<v1::UpdatePatientResponse> Records::UpdatePatient(
    const v1::UpdatePatientRequest& req) {
  const absl::Time now = clock_->Now();
  Violations v;
  CheckOpaqueId("patient.patient_id", req.patient().patient_id(), kPatientIdPrefix, v);
  std::vector<std::string> paths;
  for (int i = 0; i < req.update_mask().paths_size(); ++i) {
    const std::string& p = req.update_mask().paths(i);
    if (!absl::StartsWith(p, "identity.") || !IsIdentityMaskPath(p.substr(9))) {
      v.Add(absl::StrCat("update_mask.paths[", i, "]"),
            absl::StrCat("\"", p, "\" cannot be updated; use identity.<field>"));
    } else {
      paths.push_back(p.substr(9));
    }
  }
  if (req.update_mask().paths().empty()) {
    paths = {"given_name", "family_name", "birth_date", "sex",
             "zip_code",   "mrn",         "phone",      "email"};
  }
  RETURN_IF_ERROR(v.ToStatus());

  const std::string& patient_id = req.patient().patient_id();
  const bool mrn_changes = std::count(paths.begin(), paths.end(), "mrn") > 0;
  StripedLock::Hold hold(
      locks_, {patient_id, MrnLockKey(mrn_changes ? req.patient().identity().mrn() : "")});
  ASSIGN_OR_RETURN(v1::Patient patient, LoadPatientWithIdentity(patient_id));
  v1::PatientIdentity updated = patient.identity();
  MergeIdentity(req.patient().identity(), paths, &updated);
  CheckIdentity("patient.identity", updated, now, v);
  RETURN_IF_ERROR(v.ToStatus());

  storage::WriteBatch batch;
  if (updated.mrn() != patient.identity().mrn()) {
    const std::string new_key = storage::MrnKey(patient.clinic_id(), updated.mrn());
    absl::StatusOr<std::string> taken = store_->Get(Cf::kIdentity, new_key);
    if (taken.ok()) return MrnTaken();
    if (!absl::IsNotFound(taken.status())) return taken.status();
    batch.Delete(Cf::kIdentity, storage::MrnKey(patient.clinic_id(), patient.identity().mrn()));
    batch.Put(Cf::kIdentity, new_key, patient_id);
  }
  patient.clear_identity();
  *patient.mutable_update_time() = ToProto(now);
  storage::PutRecord(batch, Cf::kPatients, storage::PatientKey(patient_id), patient);
  storage::PutRecord(batch, Cf::kIdentity, storage::IdentityKey(patient_id), updated);
  RETURN_IF_ERROR(store_->Write(batch));

  v1::UpdatePatientResponse resp;
  *patient.mutable_identity() = std::move(updated);
  *resp.mutable_patient() = std::move(patient);
  return resp;
}

absl::StatusOr<v1::ListPatientsResponse> Records::ListPatients(
    const v1::ListPatientsRequest& req) {
  Violations v;
  CheckOpaqueId("clinic_id", req.clinic_id(), kClinicIdPrefix, v);
  RETURN_IF_ERROR(v.ToStatus());
  ASSIGN_OR_RETURN(int page_size, EffectivePageSize(req.page_size(), 50));
  RETURN_IF_ERROR(LoadClinic(req.clinic_id()).status());

  const std::string prefix = storage::PatientsByClinicPrefix(req.clinic_id());
  PageQuery query{Cf::kIndex, prefix, storage::PrefixSuccessor(prefix),
                  absl::StrCat("patients/", req.clinic_id()), page_size, req.page_token()};
  v1::ListPatientsResponse resp;
  ASSIGN_OR_RETURN(
      *resp.mutable_next_page_token(),
      ScanPage(*store_, query, [&](absl::string_view key, absl::string_view)
                                   -> absl::StatusOr<bool> {
        ASSIGN_OR_RETURN(std::string patient_id, storage::DecodePatientsByClinicKey(key));
        ASSIGN_OR_RETURN(*resp.add_patients(), LoadPatientWithIdentity(patient_id));
        return true;
      }));
  return resp;
}

}  // namespace tractus::records
