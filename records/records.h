// Records: the clinical-record domain behind the ClinicService,
// PatientService, EpisodeService, ObservationService and HomeReportService
// RPCs. Each method takes the RPC's request message and returns its response
// or a status whose code tells the caller what to do:
//   INVALID_ARGUMENT    a field is wrong (google.rpc.BadRequest payload)
//   NOT_FOUND           a named clinic, patient or episode does not exist
//   ALREADY_EXISTS      a request_id / observation_id / MRN is taken by
//                       different content
//   FAILED_PRECONDITION the episode is closed
//   DATA_LOSS, UNAVAILABLE, RESOURCE_EXHAUSTED  from storage
// Every change is one atomic WriteBatch: a failed call writes nothing.
//
// Thread-safe. Read-check-write sequences on one request id, patient,
// episode or MRN are serialized by a StripedLock.
#ifndef TRACTUS_RECORDS_RECORDS_H_
#define TRACTUS_RECORDS_RECORDS_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "analytics/scoring.h"
#include "common/clock.h"
#include "records/episode_listener.h"
#include "records/striped_lock.h"
#include "storage/record_list.h"
#include "storage/store.h"
#include "tractus/v1/clinic.pb.h"
#include "tractus/v1/episode.pb.h"
#include "tractus/v1/home_report.pb.h"
#include "tractus/v1/observation.pb.h"
#include "tractus/v1/patient.pb.h"

namespace tractus::records {

// An episode's observations parsed onto one arena (ObservationsOfEpisode).
using ObservationList = storage::RecordList<v1::Observation>;

// The answer for an episode that does not exist — and, byte for byte, for
// one outside the caller's scope (the same answer, so no caller learns
// another clinic's ids exist).
absl::Status EpisodeNotFoundError(absl::string_view episode_id);

class Records {
 public:
  // `store` and `clock` must outlive this object. `tscore_table` may be null
  // (no PROMIS T-scores are reported then); if not, it must outlive this
  // object and have passed analytics::CheckTScoreTable.
  Records(storage::Store* store, const Clock* clock,
          const analytics::TScoreTable* tscore_table = nullptr);

  // Clinics (clinic_records.cc).
  absl::StatusOr<v1::CreateClinicResponse> CreateClinic(const v1::CreateClinicRequest& req);
  absl::StatusOr<v1::GetClinicResponse> GetClinic(const v1::GetClinicRequest& req);
  absl::StatusOr<v1::ListClinicsResponse> ListClinics(const v1::ListClinicsRequest& req);

  // Patients (patient_records.cc).
  absl::StatusOr<v1::CreatePatientResponse> CreatePatient(const v1::CreatePatientRequest& req);
  absl::StatusOr<v1::GetPatientResponse> GetPatient(const v1::GetPatientRequest& req);
  absl::StatusOr<v1::UpdatePatientResponse> UpdatePatient(const v1::UpdatePatientRequest& req);
  absl::StatusOr<v1::ListPatientsResponse> ListPatients(const v1::ListPatientsRequest& req);
  // The identity records of patients known to exist, in the order of
  // `patient_ids` (repeats allowed), read together: for jobs that need the
  // identities of many patients (an export's quasi-identifiers). DATA_LOSS
  // if one has none or it is damaged.
  absl::StatusOr<storage::RecordList<v1::PatientIdentity>> IdentitiesOfPatients(
      const std::vector<std::string>& patient_ids) const;

  // Episodes (episode_records.cc).
  absl::StatusOr<v1::CreateEpisodeResponse> CreateEpisode(const v1::CreateEpisodeRequest& req);
  absl::StatusOr<v1::GetEpisodeResponse> GetEpisode(const v1::GetEpisodeRequest& req);
  absl::StatusOr<v1::ListEpisodesResponse> ListEpisodes(const v1::ListEpisodesRequest& req);
  absl::StatusOr<v1::CloseEpisodeResponse> CloseEpisode(const v1::CloseEpisodeRequest& req);

  // Observations (observation_records.cc).
  absl::StatusOr<v1::RecordObservationsResponse> RecordObservations(
      const v1::RecordObservationsRequest& req);
  absl::StatusOr<v1::ListObservationsResponse> ListObservations(
      const v1::ListObservationsRequest& req);
  // Every observation of an episode known to exist (by instrument, then
  // time), in one scan: for the views computed from a whole episode. With
  // `reader` (from NewObservationReader), through that reader: for jobs
  // reading episode after episode in id order (ForEachEpisode's order).
  absl::StatusOr<ObservationList> ObservationsOfEpisode(
      const std::string& episode_id, storage::Store::RangeReader* reader = nullptr) const;
  // How many observations the episode holds (none parsed).
  absl::StatusOr<int64_t> CountObservationsOfEpisode(
      const std::string& episode_id, storage::Store::RangeReader* reader = nullptr) const;
  absl::StatusOr<std::unique_ptr<storage::Store::RangeReader>> NewObservationReader() const {
    return store_->NewRangeReader(storage::Cf::kObservations);
  }

  // Home reports (home_reports.cc): an observation with source = HOME.
  absl::StatusOr<v1::SubmitHomeReportResponse> SubmitHomeReport(
      const v1::SubmitHomeReportRequest& req);

  // The clinic a patient belongs to, without reading the identity record
  // (for authorization). NOT_FOUND if the patient does not exist.
  absl::StatusOr<std::string> ClinicOfPatient(const std::string& patient_id) const {
    auto patient = LoadPatient(patient_id);
    if (!patient.ok()) return patient.status();
    return patient->clinic_id();
  }

  // Calls `fn` for every episode in id order until it returns an error
  // (which is returned). For cohort statistics: one pass, nothing retained.
  absl::Status ForEachEpisode(
      const std::function<absl::Status(const v1::Episode&)>& fn) const;

  // `listener` (may be null) hears of every durable change to an episode's
  // data. Set once, before serving; it must outlive this object.
  void SetListener(EpisodeListener* listener) { listener_ = listener; }
  // Tells the listener; for other writers of episode data (sessions).
  void NotifyEpisodeChanged(const std::string& episode_id, bool closed) const {
    if (listener_ != nullptr) listener_->OnEpisodeChanged(episode_id, closed);
  }

 private:
  // Scans the episode's observations, through `reader` when given.
  absl::Status ScanObservationsOfEpisode(const std::string& episode_id,
                                         storage::Store::RangeReader* reader,
                                         const storage::Store::ScanFn& fn) const;
  // Loaders: NOT_FOUND naming the id, DATA_LOSS if the record is damaged.
  absl::StatusOr<v1::Clinic> LoadClinic(const std::string& clinic_id) const;
  absl::StatusOr<v1::Patient> LoadPatient(const std::string& patient_id) const;
  absl::StatusOr<v1::Episode> LoadEpisode(const std::string& episode_id) const;
  // LoadPatient joined with the identity record.
  absl::StatusOr<v1::Patient> LoadPatientWithIdentity(const std::string& patient_id) const;

  storage::Store* const store_;
  const Clock* const clock_;
  const analytics::TScoreTable* const tscore_table_;
  EpisodeListener* listener_ = nullptr;
  StripedLock locks_;
};

}  // namespace tractus::records

#endif  // TRACTUS_RECORDS_RECORDS_H_
