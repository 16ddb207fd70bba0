#include "cli/demo.h"

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"

namespace tractus::cli {
namespace {

constexpr size_t kBatch = 200;

absl::Status Annotate(const absl::Status& s, absl::string_view what) {
  return absl::Status(s.code(), absl::StrCat(what, ": ", s.message()));
}

}  // namespace

absl::StatusOr<std::string> CreateDemoClinic(const Client& admin, const DemoClinic& demo,
                                             std::ostream& log) {
  auto clinic = admin.Call(&v1::ClinicService::Stub::CreateClinic, admin.clinics(), demo.clinic);
  if (!clinic.ok()) return Annotate(clinic.status(), "create clinic");
  log << "clinic   " << clinic->clinic().clinic_id() << "  " << clinic->clinic().display_name()
      << "\n";
  return clinic->clinic().clinic_id();
}

absl::StatusOr<LoadedDemo> LoadDemo(const Client& client, const DemoClinic& demo,
                                    const std::string& clinic_id, std::ostream& log) {
  LoadedDemo loaded;
  loaded.clinic_id = clinic_id;

  for (const DemoPatient& p : demo.patients) {
    v1::CreatePatientRequest patient_req = p.patient;
    patient_req.mutable_patient()->set_clinic_id(loaded.clinic_id);
    auto patient = client.Call(&v1::PatientService::Stub::CreatePatient,
                               client.patients(), patient_req);
    if (!patient.ok()) return Annotate(patient.status(), "create patient");
    const std::string& patient_id = patient->patient().patient_id();
    loaded.patient_ids.push_back(patient_id);

    v1::CreateEpisodeRequest episode_req = p.episode;
    episode_req.mutable_episode()->set_patient_id(patient_id);
    auto episode = client.Call(&v1::EpisodeService::Stub::CreateEpisode,
                               client.episodes(), episode_req);
    if (!episode.ok()) return Annotate(episode.status(), "create episode");
    const std::string& episode_id = episode->episode().episode_id();

    int stored = 0;
    int replayed = 0;
    // A closed episode (an earlier load finished it) takes no more measures.
    if (episode->episode().state() == v1::EPISODE_STATE_OPEN) {
      for (v1::SubmitHomeReportRequest report : p.home_reports) {
        report.set_episode_id(episode_id);
        auto resp = client.Call(&v1::HomeReportService::Stub::SubmitHomeReport,
                                client.home_reports(), report);
        if (!resp.ok()) return Annotate(resp.status(), "home report " + report.report_id());
        ++stored;
        replayed += resp->replayed() ? 1 : 0;
      }
      for (size_t i = 0; i < p.measures.size(); i += kBatch) {
        v1::RecordObservationsRequest batch;
        batch.set_episode_id(episode_id);
        for (size_t j = i; j < std::min(p.measures.size(), i + kBatch); ++j) {
          *batch.add_observations() = p.measures[j];
        }
        auto resp = client.Call(&v1::ObservationService::Stub::RecordObservations,
                                client.observations(), batch);
        if (!resp.ok()) return Annotate(resp.status(), "record observations");
        for (const auto& r : resp->results()) {
          ++stored;
          replayed += r.replayed() ? 1 : 0;
        }
      }
      if (p.close_reason != v1::CLOSE_REASON_UNSPECIFIED) {
        v1::CloseEpisodeRequest close;
        close.set_episode_id(episode_id);
        close.set_reason(p.close_reason);
        auto resp = client.Call(&v1::EpisodeService::Stub::CloseEpisode,
                                client.episodes(), close);
        if (!resp.ok()) return Annotate(resp.status(), "close episode");
      }
    }
    loaded.observations += stored;
    loaded.replayed += replayed;
    log << "patient  " << patient_id << "  episode " << episode_id << "  ";
    if (episode->episode().state() != v1::EPISODE_STATE_OPEN) {
      log << "closed by an earlier load; nothing to add\n";
    } else {
      log << stored << " measures"
          << (replayed ? absl::StrCat(" (", replayed, " already stored)") : "") << "\n";
    }
  }
  return loaded;
}

}  // namespace tractus::cli
