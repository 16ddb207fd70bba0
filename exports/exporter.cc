#include "exports/exporter.h"

#include <algorithm>
#include <map>
#include <thread>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "analytics/instruments.h"
#include "common/fnv.h"
#include "common/ordered_work.h"
#include "common/status_macros.h"
#include "exports/acquaintance.h"
#include "exports/dataset.h"
#include "exports/schema.h"
#include "records/civil_date.h"
#include "records/time_proto.h"
#include "storage/store.h"

namespace tractus::exports {
namespace {

constexpr char kSuppressedK[] = "k-anonymity: equivalence class smaller than k";

bool InFilter(const v1::ExportFilter& f, const v1::Episode& e) {
  if (!f.clinic_ids().empty() &&
      std::find(f.clinic_ids().begin(), f.clinic_ids().end(), e.clinic_id()) ==
          f.clinic_ids().end()) {
    return false;
  }
  if (!f.conditions().empty()) {
    bool any = false;
    for (int c : e.conditions()) {
      any = any || std::find(f.conditions().begin(), f.conditions().end(), c) !=
                       f.conditions().end();
    }
    if (!any) return false;
  }
  const absl::CivilDay start(e.start_date().year(), e.start_date().month(), e.start_date().day());
  if (f.has_start_from() &&
      start < absl::CivilDay(f.start_from().year(), f.start_from().month(), f.start_from().day())) {
    return false;
  }
  if (f.has_start_to() &&
      start > absl::CivilDay(f.start_to().year(), f.start_to().month(), f.start_to().day())) {
    return false;
  }
  return true;
}

const char* SourceName(v1::Source s) {
  switch (s) {
    case v1::SOURCE_HOME: return "home";
    case v1::SOURCE_CLINIC: return "clinic";
    case v1::SOURCE_DEVICE: return "device";
    default: return "unknown";
  }
}

const char* LateralityName(v1::Laterality l) {
  switch (l) {
    case v1::LATERALITY_LEFT: return "left";
    case v1::LATERALITY_RIGHT: return "right";
    default: return "";
  }
}

std::string StateName(const v1::Episode& e) {
  if (e.state() == v1::EPISODE_STATE_OPEN) return "open";
  switch (e.close_reason()) {
    case v1::CLOSE_REASON_COMPLETED: return "completed";
    case v1::CLOSE_REASON_DISCONTINUED: return "discontinued";
    case v1::CLOSE_REASON_LOST_TO_FOLLOW_UP: return "lost_to_follow_up";
    default: return "closed";
  }
}

// The time an episode's exported figures are taken at: the end of the
// clinic-local day of its latest value or session (day 0 when it has
// none). Never the export's own time: that would make an open episode's
// figures (days observed, adherence to date) tell the export date's
// distance from day 0, hence its calendar dates (a Safe Harbor date leak),
// and two exports of the same data would differ.
absl::Time DataAsOf(const outcomes::Outcomes::EpisodeData& data) {
  absl::Time latest = records::StartOfDay(data.episode.start_date(), data.zone);
  for (const v1::Observation& o : data.observations) {
    latest = std::max(latest, records::FromProto(o.effective_time()));
  }
  for (const v1::Session& s : data.sessions) {
    latest = std::max(latest, records::FromProto(s.start_time()));
  }
  const v1::Date next_day = records::FromCivilDay(absl::ToCivilDay(latest, data.zone) + 1);
  return records::StartOfDay(next_day, data.zone) - absl::Seconds(1);
}

}  // namespace

struct Exporter::Candidate {
  const v1::Episode* episode;
  QuasiIdentifiers qi;
};

// One episode of pass 2: what the scan found, then what a worker made of it.
struct Exporter::Task {
  v1::Episode episode;
  QuasiIdentifiers qi;
  bool exported = false;  // its class holds at least k patients
};
struct Exporter::Prepared {
  bool exported = false;
  int64_t observations = 0;  // all of the episode's (counted when suppressed)
  ExportedEpisode episode;
  v1::EpisodeProgress progress;
  KnownFacts known;  // subject and class filled by the writing thread
  int64_t rows = 0;  // observation values exported
  RenderedEpisode rendered;
};

int Exporter::WorkerThreads() {
  return static_cast<int>(std::clamp(std::thread::hardware_concurrency(), 1u, 4u));
}

absl::StatusOr<std::vector<Exporter::Prepared>> Exporter::PrepareBatch(
    const ExportPlan& plan, const std::set<int>& instruments, const DatasetWriter& writer,
    Batch& batch) const {
  // Every observation and session is read once: past the block cache (see
  // BulkReadScope), which keeps serving the clinicians' calls meanwhile.
  storage::BulkReadScope bulk;
  ASSIGN_OR_RETURN(outcomes::Outcomes::EpisodeReader reader, outcomes_->NewEpisodeReader());
  Pseudonyms pseudonyms(plan.subject_key);
  std::vector<Prepared> prepared;
  prepared.reserve(batch.size());
  for (Task& task : batch) {
    ASSIGN_OR_RETURN(prepared.emplace_back(),
                     Prepare(instruments, writer, task, reader, pseudonyms));
  }
  return prepared;
}

absl::StatusOr<Exporter::Prepared> Exporter::Prepare(const std::set<int>& instruments,
                                                     const DatasetWriter& writer, Task& task,
                                                     outcomes::Outcomes::EpisodeReader& reader,
                                                     Pseudonyms& pseudonyms) const {
  Prepared p;
  p.exported = task.exported;
  if (!task.exported) {
    ASSIGN_OR_RETURN(p.observations, reader.ObservationCount(task.episode.episode_id()));
    return p;
  }
  const v1::Episode& e = task.episode;
  ExportedEpisode& episode = p.episode;
  episode.subject_id = pseudonyms.SubjectId(e.patient_id());
  episode.episode_ref = pseudonyms.EpisodeRef(e.episode_id());
  episode.qi = std::move(task.qi);
  for (int i = 1; i < e.conditions_size(); ++i) {
    episode.other_conditions.emplace_back(
        ConditionName(static_cast<v1::Condition>(e.conditions(i))));
  }
  episode.state = StateName(e);
  ASSIGN_OR_RETURN(outcomes::Outcomes::EpisodeData data, reader.Load(std::move(task.episode)));
  // episodes.csv has no trends: they are not fitted. Taken as of the
  // episode's own data, never the export's time.
  p.progress = outcomes::ComputeProgress(data, DataAsOf(data), analytics::TrendFit::kSkip);
  episode.today_day = std::min(p.progress.today_day(), 84);

  const v1::Date& start_date = data.episode.start_date();
  const absl::Time day0 = absl::FromCivil(
      absl::CivilSecond(start_date.year(), start_date.month(), start_date.day(), 0, 0, 0),
      data.zone);
  p.observations = static_cast<int64_t>(data.observations.size());
  const auto offset = [&](const google::protobuf::Timestamp& t) {
    return absl::ToInt64Minutes(records::FromProto(t) - day0);
  };
  std::vector<ObservationValue> values;
  values.reserve(data.observations.size());
  for (const v1::Observation& o : data.observations) {
    if (!instruments.empty() && !instruments.count(o.instrument())) continue;
    const analytics::MeasureInfo* measure = analytics::FindMeasure(o.instrument());
    if (measure == nullptr) continue;
    values.push_back({&o, measure, offset(o.effective_time()), o.value(), SourceName(o.source()),
                      LateralityName(o.laterality())});
  }
  std::vector<SessionValue> sessions;
  for (const v1::Session& s : data.sessions) {
    if (s.finalized()) sessions.push_back({&s, offset(s.start_time())});
  }
  std::stable_sort(sessions.begin(), sessions.end(),
                   [](const SessionValue& a, const SessionValue& b) {
                     return a.offset_minutes < b.offset_minutes;
                   });
  p.rows = static_cast<int64_t>(values.size());
  std::set<int> measures;
  std::set<int64_t> days, weeks;
  for (const ObservationValue& v : values) {
    measures.insert(static_cast<int>(v.measure->measure));
    const int64_t day = EpisodeDay(v.offset_minutes);
    days.insert(day);
    weeks.insert(EpisodeWeek(day));
  }
  // A session's day is known to whoever saw the patient go to the clinic
  // (and is shown unless counts are banded): it counts as a day measured.
  for (const SessionValue& s : sessions) {
    const int64_t day = EpisodeDay(s.offset_minutes);
    days.insert(day);
    weeks.insert(EpisodeWeek(day));
  }
  p.known.sessions_done = p.progress.course().sessions_done();
  p.known.measures = static_cast<int64_t>(measures.size());
  p.known.days_measured = static_cast<int64_t>(days.size());
  p.known.weeks_measured = static_cast<int64_t>(weeks.size());
  // Rendered here, while the episode's data and progress are at hand (the
  // pointer is reset once p has moved to the writing thread).
  episode.progress = &p.progress;
  writer.Render(p.episode, values, sessions, &p.rendered);
  episode.progress = nullptr;
  return p;
}

absl::Status Exporter::ForEachCandidate(const ExportPlan& plan,
                                        const std::function<absl::Status(const Candidate&)>& fn) {
  // Episodes in the filter are gathered, and their patients' identities
  // read together, a few hundred at a time.
  std::vector<v1::Episode> episodes;
  std::vector<std::string> patient_ids;
  const auto flush = [&]() -> absl::Status {
    ASSIGN_OR_RETURN(storage::RecordList<v1::PatientIdentity> identities,
                     records_->IdentitiesOfPatients(patient_ids));
    for (size_t i = 0; i < episodes.size(); ++i) {
      const v1::Episode& e = episodes[i];
      const v1::PatientIdentity& id = identities[i];
      Candidate c{&e, {}};
      c.qi.age_band = AgeBand(
          absl::CivilDay(id.birth_date().year(), id.birth_date().month(), id.birth_date().day()),
          absl::CivilDay(e.start_date().year(), e.start_date().month(), e.start_date().day()));
      c.qi.sex = std::string(SexName(id.sex()));
      c.qi.zip3 = Zip3(id.zip_code());
      c.qi.condition = std::string(
          ConditionName(e.conditions().empty() ? v1::CONDITION_UNSPECIFIED
                                               : static_cast<v1::Condition>(e.conditions(0))));
      RETURN_IF_ERROR(fn(c));
    }
    episodes.clear();
    patient_ids.clear();
    return absl::OkStatus();
  };
  RETURN_IF_ERROR(records_->ForEachEpisode([&](const v1::Episode& e) -> absl::Status {
    if (!InFilter(plan.filter, e)) return absl::OkStatus();
    episodes.push_back(e);
    patient_ids.push_back(e.patient_id());
    return episodes.size() < kCandidatesPerRead ? absl::OkStatus() : flush();
  }));
  return flush();
}

absl::StatusOr<v1::ExportManifest> Exporter::Run(const ExportPlan& plan,
                                                 const ProgressFn& progress) {
  // Pass 1: class sizes, in distinct patients (a patient with several
  // episodes in a class is still one person), and each episode's class.
  // Patients and episodes are held as 64-bit hashes: memory grows with
  // episodes, never with observations.
  struct Class {
    QuasiIdentifiers qi;
    std::set<uint64_t> patients;
    std::set<uint64_t> exported_patients;
  };
  std::map<std::string, Class> classes;  // nodes stay put: pointed to below
  absl::flat_hash_map<uint64_t, Class*> class_of_episode;
  RETURN_IF_ERROR(ForEachCandidate(plan, [&](const Candidate& c) {
    Class& cls = classes[c.qi.ClassKey()];
    cls.qi = c.qi;
    cls.patients.insert(Fnv1a64(c.episode->patient_id()));
    class_of_episode[Fnv1a64(c.episode->episode_id())] = &cls;
    return absl::OkStatus();
  }));
  const auto total = static_cast<int64_t>(class_of_episode.size());
  int64_t done = 0;
  if (!progress(0, total)) return absl::CancelledError("export cancelled");

  // Pass 2: write what is k-anonymous. Episodes are read and their views
  // computed on worker threads, then written here in scan order.
  std::unique_ptr<DatasetWriter> writer;
  if (plan.format == v1::EXPORT_FORMAT_FHIR_NDJSON) {
    ASSIGN_OR_RETURN(writer, NewFhirWriter(plan.dir, plan.coarsening, fhir_base_));
  } else {
    ASSIGN_OR_RETURN(writer, NewCsvWriter(plan.dir, plan.coarsening, fhir_base_));
  }
  const std::set<int> instruments(plan.filter.instruments().begin(),
                                  plan.filter.instruments().end());
  v1::ExportManifest manifest;
  std::vector<KnownFacts> known;  // one per exported episode (~50 bytes)
  v1::Suppression suppressed;
  suppressed.set_reason(kSuppressedK);
  OrderedWork<Batch, absl::StatusOr<std::vector<Prepared>>> workers(
      WorkerThreads(), kEpisodesInFlight / kEpisodesPerBatch,
      [&](Batch& batch) { return PrepareBatch(plan, instruments, *writer, batch); });
  const auto write = [&](absl::StatusOr<std::vector<Prepared>>& batch) -> absl::Status {
    RETURN_IF_ERROR(batch.status());
    for (Prepared& p : *batch) {
      if (!p.exported) {
        suppressed.set_episodes(suppressed.episodes() + 1);
        suppressed.set_observations(suppressed.observations() + p.observations);
        continue;
      }
      p.episode.progress = &p.progress;
      p.known.subject = Fnv1a64(p.episode.subject_id);
      p.known.quasi_class = Fnv1a64(p.episode.qi.ClassKey());
      known.push_back(p.known);
      RETURN_IF_ERROR(writer->Write(p.episode, p.rendered));
      manifest.set_episodes_exported(manifest.episodes_exported() + 1);
      manifest.set_observations_exported(manifest.observations_exported() + p.rows);
    }
    return absl::OkStatus();
  };
  // Exactly the episodes of pass 1 (one created since is not in this
  // export), with the quasi-identifiers pass 1 counted, so every class
  // written is the class counted; in id order, so each batch's episodes
  // are neighbours in the observations and the session index. Read past
  // the block cache. (Pass 1's episodes and patients are few and read
  // often by others: they stay cached.)
  storage::BulkReadScope bulk;
  Batch batch;
  RETURN_IF_ERROR(records_->ForEachEpisode([&](const v1::Episode& e) -> absl::Status {
    const auto it = class_of_episode.find(Fnv1a64(e.episode_id()));
    if (it == class_of_episode.end()) return absl::OkStatus();
    Class& cls = *it->second;
    if (!progress(++done, total)) return absl::CancelledError("export cancelled");
    batch.push_back(Task{e, cls.qi, static_cast<int64_t>(cls.patients.size()) >= plan.k});
    if (batch.back().exported) cls.exported_patients.insert(Fnv1a64(e.patient_id()));
    if (batch.size() < kEpisodesPerBatch) return absl::OkStatus();
    return workers.Submit(std::exchange(batch, {}), write);
  }));
  if (!batch.empty()) RETURN_IF_ERROR(workers.Submit(std::move(batch), write));
  RETURN_IF_ERROR(workers.Finish(write));

  ASSIGN_OR_RETURN(std::vector<v1::ExportFile> files, writer->Finish());
  for (v1::ExportFile& f : files) *manifest.add_files() = std::move(f);
  if (suppressed.episodes() > 0) *manifest.add_suppressed() = suppressed;
  manifest.set_k(plan.k);
  int exported_classes = 0;
  int64_t smallest = 0;
  for (const auto& [key, cls] : classes) {
    const auto n = static_cast<int64_t>(cls.exported_patients.size());
    if (n == 0) continue;
    ++exported_classes;
    smallest = smallest == 0 ? n : std::min(smallest, n);
  }
  manifest.set_classes(exported_classes);
  manifest.set_smallest_class(static_cast<int>(smallest));
  manifest.set_max_reidentification_risk(smallest > 0 ? 1.0 / static_cast<double>(smallest) : 0);
  manifest.set_zip3_list_version(std::string(Zip3ListVersion()));
  for (v1::UniquenessRisk& r : UniquenessShares(known, plan.coarsening)) {
    *manifest.add_uniqueness() = std::move(r);
  }
  *manifest.mutable_coarsening() = plan.coarsening;
  manifest.set_format_version(std::string(plan.format == v1::EXPORT_FORMAT_FHIR_NDJSON
                                              ? kFhirFormatVersion
                                              : kCsvFormatVersion));
  return manifest;
}

std::string ManifestJson(const v1::ExportJob& job, const v1::ExportManifest& m) {
  // FHIR Bulk Data Access fields (transactionTime, request,
  // requiresAccessToken, output, error). transactionTime is left out: an
  // open episode's latest offset is close to the export's time, so the
  // export's time would give its day 0 to within days (a date element
  // Safe Harbor removes); the reason is stated in the file.
  std::string out = absl::StrCat(
      "{\n  \"export_id\": \"", job.export_id(), "\",\n",
      "  \"format\": \"", v1::ExportFormat_Name(job.format()), "\",\n",
      "  \"format_version\": \"", m.format_version(), "\",\n",
      "  \"transactionTimeOmitted\": \"the export's time with an open episode's latest offset "
      "would give its day 0 to within days (a date element)\",\n",
      "  \"request\": \"tractus.v1.ExportService/StartExport?export_id=", job.export_id(),
      "\",\n  \"requiresAccessToken\": true,\n  \"error\": [],\n  \"output\": [\n");
  for (int i = 0; i < m.files_size(); ++i) {
    const v1::ExportFile& f = m.files(i);
    absl::StrAppend(&out, "    {\"type\": \"", f.content(), "\", \"url\": \"", f.name(),
                    "\", \"count\": ", f.records(), ", \"bytes\": ", f.bytes(),
                    ", \"sha256\": \"", f.sha256(), "\"}", i + 1 < m.files_size() ? "," : "",
                    "\n");
  }
  absl::StrAppend(&out, "  ],\n  \"episodes_exported\": ", m.episodes_exported(),
                  ",\n  \"observations_exported\": ", m.observations_exported(),
                  ",\n  \"suppressed\": [");
  for (int i = 0; i < m.suppressed_size(); ++i) {
    absl::StrAppend(&out, i ? ", " : "", "{\"reason\": \"", m.suppressed(i).reason(),
                    "\", \"episodes\": ", m.suppressed(i).episodes(), ", \"observations\": ",
                    m.suppressed(i).observations(), "}");
  }
  absl::StrAppend(&out, "],\n  \"k\": ", m.k(), ",\n  \"classes\": ", m.classes(),
                  ",\n  \"smallest_class\": ", m.smallest_class(),
                  ",\n  \"max_reidentification_risk\": ",
                  absl::StrFormat("%.4f", m.max_reidentification_risk()),
                  ",\n  \"zip3_list_version\": \"", m.zip3_list_version(), "\",\n",
                  "  \"coarsening\": {\"count_bands\": ",
                  m.coarsening().count_bands() ? "true" : "false", ", \"days_as_weeks\": ",
                  m.coarsening().days_as_weeks() ? "true" : "false", "},\n  \"uniqueness\": [");
  for (int i = 0; i < m.uniqueness_size(); ++i) {
    const v1::UniquenessRisk& u = m.uniqueness(i);
    absl::StrAppend(&out, i ? ", " : "", "{\"known\": \"", u.known(), "\", \"exact\": ",
                    absl::StrFormat("%.4f", u.exact()), ", \"released\": ",
                    absl::StrFormat("%.4f", u.released()), "}");
  }
  absl::StrAppend(&out, "]\n}\n");
  return out;
}

}  // namespace tractus::exports
