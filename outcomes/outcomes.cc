#include "outcomes/outcomes.h"

#include <algorithm>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "common/ids.h"
#include "common/status_macros.h"
#include "records/pagination.h"
#include "records/validation.h"
#include "storage/key_codec.h"

namespace tractus::outcomes {
namespace {

// A ranked-list cursor: the last patient returned and its rank, so the next
// page starts strictly after it even if ranks moved.
struct Cursor {
  int severity = 0;
  uint32_t alerts = 0;
  std::string patient_id;
};

std::string EncodeCursor(const std::string& clinic_id, const Cursor& c) {
  return absl::WebSafeBase64Escape(storage::KeyWriter()
                                       .U8(1)
                                       .Str(clinic_id)
                                       .U8(static_cast<uint8_t>(c.severity))
                                       .U32(c.alerts)
                                       .Str(c.patient_id)
                                       .Release());
}

absl::StatusOr<Cursor> DecodeCursor(const std::string& clinic_id, const std::string& token) {
  std::string raw;
  Cursor c;
  uint8_t version, severity;
  std::string clinic;
  if (absl::WebSafeBase64Unescape(token, &raw)) {
    storage::KeyReader r(raw);
    if (r.U8(&version) && version == 1 && r.Str(&clinic) && clinic == clinic_id &&
        r.U8(&severity) && r.U32(&c.alerts) && r.Str(&c.patient_id) && r.done()) {
      c.severity = severity;
      return c;
    }
  }
  return InvalidField("page_token", "is not a token returned by this list call");
}

// Most urgent first: higher severity, more alerts, then patient id.
bool Before(const Cursor& a, const Cursor& b) {
  if (a.severity != b.severity) return a.severity > b.severity;
  if (a.alerts != b.alerts) return a.alerts > b.alerts;
  return a.patient_id < b.patient_id;
}

}  // namespace

Outcomes::Outcomes(storage::Store* store, records::Records* records,
                   device_gateway::Uploads* uploads, const Clock* clock,
                   size_t progress_cache_bytes)
    : store_(store),
      records_(records),
      uploads_(uploads),
      clock_(clock),
      hub_(store, [this](const std::string& episode_id) { return EvaluateAlerts(episode_id); }),
      progress_(progress_cache_bytes, [](const ProgressBasis& b) { return b.Bytes(); }) {}

Outcomes::~Outcomes() { Stop(); }

absl::StatusOr<Outcomes::EpisodeData> Outcomes::LoadEpisode(const std::string& episode_id) const {
  v1::GetEpisodeRequest get;
  get.set_episode_id(episode_id);
  ASSIGN_OR_RETURN(v1::GetEpisodeResponse episode, records_->GetEpisode(get));
  return LoadEpisode(std::move(*episode.mutable_episode()));
}

absl::StatusOr<Outcomes::EpisodeData> Outcomes::LoadEpisode(v1::Episode episode) const {
  EpisodeReader reader;  // without readers: each read makes its own iterator
  reader.outcomes_ = this;
  return reader.Load(std::move(episode));
}

absl::StatusOr<Outcomes::EpisodeReader> Outcomes::NewEpisodeReader() const {
  EpisodeReader reader;
  reader.outcomes_ = this;
  ASSIGN_OR_RETURN(reader.observations_, records_->NewObservationReader());
  ASSIGN_OR_RETURN(reader.session_index_, uploads_->NewSessionIndexReader());
  return reader;
}

absl::StatusOr<int64_t> Outcomes::EpisodeReader::ObservationCount(const std::string& episode_id) {
  return outcomes_->records_->CountObservationsOfEpisode(episode_id, observations_.get());
}

absl::StatusOr<Outcomes::EpisodeData> Outcomes::EpisodeReader::Load(v1::Episode episode) {
  EpisodeData data;
  data.episode = std::move(episode);
  const std::string& id = data.episode.episode_id();
  ASSIGN_OR_RETURN(data.zone, outcomes_->ZoneOf(data.episode.clinic_id()));
  ASSIGN_OR_RETURN(data.observations,
                   outcomes_->records_->ObservationsOfEpisode(id, observations_.get()));
  ASSIGN_OR_RETURN(data.sessions, outcomes_->uploads_->SessionsOfEpisode(id, session_index_.get()));
  return data;
}

absl::StatusOr<absl::TimeZone> Outcomes::ZoneOf(const std::string& clinic_id) const {
  {
    absl::MutexLock lock(&zones_mu_);
    auto it = zones_.find(clinic_id);
    if (it != zones_.end()) return it->second;
  }
  v1::GetClinicRequest get_clinic;
  get_clinic.set_clinic_id(clinic_id);
  ASSIGN_OR_RETURN(v1::GetClinicResponse clinic, records_->GetClinic(get_clinic));
  absl::TimeZone zone;
  if (!absl::LoadTimeZone(clinic.clinic().time_zone(), &zone)) {
    return absl::InternalError("the clinic's time zone does not load");
  }
  absl::MutexLock lock(&zones_mu_);
  zones_.emplace(clinic_id, zone);
  return zone;
}

absl::StatusOr<std::shared_ptr<const ProgressBasis>> Outcomes::Basis(
    const std::string& episode_id) {
  return progress_.Get(episode_id, [&]() -> absl::StatusOr<ProgressBasis> {
    ASSIGN_OR_RETURN(EpisodeData data, LoadEpisode(episode_id));
    return PrepareProgress(data);
  });
}

absl::StatusOr<v1::GetEpisodeProgressResponse> Outcomes::GetEpisodeProgress(
    const v1::GetEpisodeProgressRequest& req) {
  Violations v;
  records::CheckOpaqueId("episode_id", req.episode_id(), kEpisodeIdPrefix, v);
  RETURN_IF_ERROR(v.ToStatus());
  ASSIGN_OR_RETURN(std::shared_ptr<const ProgressBasis> basis, Basis(req.episode_id()));
  v1::GetEpisodeProgressResponse resp;
  v1::EpisodeProgress& progress = *resp.mutable_progress();
  progress = FinishProgress(*basis, clock_->Now());
  const v1::Episode& episode = basis->view.episode();
  for (const v1::MeasureProgress& m : progress.measures()) {
    if (m.instrument() != v1::INSTRUMENT_NPRS || !m.has_baseline() ||
        episode.conditions().empty()) {
      continue;
    }
    ASSIGN_OR_RETURN(analytics::SimilarReference similar,
                     ReferenceFor(static_cast<v1::Condition>(episode.conditions(0)),
                                  analytics::BaselineBand(m.baseline())));
    CompareWithSimilar(similar, progress);
  }
  return resp;
}

absl::StatusOr<v1::ListClinicAlertsResponse> Outcomes::ListClinicAlerts(
    const v1::ListClinicAlertsRequest& req) {
  Violations v;
  records::CheckOpaqueId("clinic_id", req.clinic_id(), kClinicIdPrefix, v);
  RETURN_IF_ERROR(v.ToStatus());
  ASSIGN_OR_RETURN(int page_size, records::EffectivePageSize(req.page_size(), 50));
  std::optional<Cursor> after;
  if (!req.page_token().empty()) {
    ASSIGN_OR_RETURN(after, DecodeCursor(req.clinic_id(), req.page_token()));
  }

  // Every open episode of the clinic, evaluated now.
  const absl::Time now = clock_->Now();
  std::vector<std::pair<Cursor, v1::PatientAlerts>> ranked;
  v1::ListPatientsRequest patients;
  patients.set_clinic_id(req.clinic_id());
  patients.set_page_size(records::kMaxPageSize);
  do {
    ASSIGN_OR_RETURN(auto page, records_->ListPatients(patients));
    for (const v1::Patient& patient : page.patients()) {
      v1::ListEpisodesRequest episodes;
      episodes.set_patient_id(patient.patient_id());
      episodes.set_page_size(records::kMaxPageSize);
      ASSIGN_OR_RETURN(auto listed, records_->ListEpisodes(episodes));
      for (const v1::Episode& e : listed.episodes()) {
        if (e.state() != v1::EPISODE_STATE_OPEN) continue;
        ASSIGN_OR_RETURN(std::shared_ptr<const ProgressBasis> basis, Basis(e.episode_id()));
        v1::EpisodeProgress progress = FinishProgress(*basis, now);
        if (progress.alerts().empty()) continue;
        v1::PatientAlerts entry;
        entry.set_patient_id(patient.patient_id());
        entry.set_episode_id(e.episode_id());
        entry.set_highest_severity(progress.alerts(0).severity());  // sorted
        *entry.mutable_alerts() = progress.alerts();
        Cursor rank{progress.alerts(0).severity(),
                    static_cast<uint32_t>(progress.alerts_size()), patient.patient_id()};
        ranked.emplace_back(rank, std::move(entry));
      }
    }
    patients.set_page_token(page.next_page_token());
  } while (!patients.page_token().empty());

  std::sort(ranked.begin(), ranked.end(),
            [](const auto& a, const auto& b) { return Before(a.first, b.first); });
  v1::ListClinicAlertsResponse resp;
  for (const auto& [rank, entry] : ranked) {
    if (after && !Before(*after, rank)) continue;
    if (resp.patients_size() == page_size) {
      resp.set_next_page_token(EncodeCursor(req.clinic_id(), after.value()));
      break;
    }
    *resp.add_patients() = entry;
    after = rank;
  }
  return resp;
}

}  // namespace tractus::outcomes
