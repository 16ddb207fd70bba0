#include "cli/record_view.h"

#include <cmath>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "analytics/episode_series.h"
#include "analytics/instruments.h"
#include "common/status_macros.h"

namespace tractus::cli {
namespace {

// Whole numbers for integer measures and for large values (steps, metres),
// one decimal otherwise.
std::string Num(double v, bool integer) {
  if ((integer && v == static_cast<int64_t>(v)) || std::abs(v) >= 100) {
    return absl::StrFormat("%.0f", v);
  }
  return absl::StrFormat("%.1f", v);
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string EnumWords(const std::string& name, size_t prefix_len) {
  std::string s = Lower(name.substr(prefix_len));
  for (char& c : s) if (c == '_') c = ' ';
  return s;
}

// Each measure as the server computes it (baseline rule, weekly medians,
// latest value and change: GetEpisodeProgress), one row per measure.
void PrintMeasures(const v1::EpisodeProgress& progress, std::ostream& out) {
  out << absl::StrFormat("  %-40s %4s %6s", "measure", "n", "base");
  for (int w = 0; w < analytics::kEpisodeWeeks; ++w) {
    out << absl::StrFormat(" %5s", absl::StrCat("w", w));
  }
  out << absl::StrFormat(" %7s  %s\n", "latest", "change");
  for (const v1::MeasureProgress& m : progress.measures()) {
    const analytics::MeasureInfo* info = analytics::FindMeasure(m.instrument());
    if (info == nullptr) continue;
    out << absl::StrFormat("  %-40s %4d %6s", std::string(info->display_name), m.count(),
                           m.has_baseline() ? Num(m.baseline(), info->integer) : "-");
    for (const v1::WeekSummary& w : m.weeks()) {
      out << absl::StrFormat(" %5s", w.has_median() ? Num(w.median(), false) : "·");
    }
    std::string change = "-";
    if (m.has_change_points()) {
      const double d = m.change_points();
      change = std::abs(d) >= 100 ? absl::StrFormat("%+.0f", d) : absl::StrFormat("%+.1f", d);
      if (m.has_change_percent()) absl::StrAppendFormat(&change, " (%+.0f%%)", m.change_percent());
    }
    out << absl::StrFormat(" %7s  %s\n", m.has_latest() ? Num(m.latest(), info->integer) : "-",
                           change);
  }
}

absl::Status PrintSessions(const Client& client, const v1::Episode& episode,
                           const absl::TimeZone& zone, std::ostream& out) {
  std::vector<v1::Session> sessions;
  v1::ListSessionsRequest req;
  req.set_episode_id(episode.episode_id());
  do {
    ASSIGN_OR_RETURN(auto page, client.Call(&v1::SessionService::Stub::ListSessions,
                                            client.sessions(), req));
    for (auto& s : *page.mutable_sessions()) sessions.push_back(std::move(s));
    req.set_page_token(page.next_page_token());
  } while (!req.page_token().empty());
  int finalized = 0, aborted = 0, stops = 0, overshoots = 0;
  double dose = 0;
  for (const auto& s : sessions) {
    if (!s.finalized()) continue;
    ++finalized;
    aborted += s.outcome() == v1::SESSION_OUTCOME_ABORTED;
    stops += s.summary().patient_stops();
    overshoots += s.summary().overshoots();
    dose += s.summary().traction_dose_newton_seconds();
  }
  const int planned = episode.plan().sessions_planned();
  out << absl::StrFormat(
      "  traction sessions: %d of %d planned (%.0f%%), %d aborted, %d patient stops, "
      "%d overshoots, cumulative dose %.0f kN s\n",
      finalized, planned, planned > 0 ? 100.0 * finalized / planned : 0.0, aborted, stops,
      overshoots, dose / 1000);
  const size_t first = sessions.size() > 6 ? sessions.size() - 6 : 0;
  if (sessions.empty()) return absl::OkStatus();
  out << absl::StrFormat("  %-17s %-13s %7s %7s %8s %6s %5s  %s\n", "session start", "mode",
                         "max N", "minutes", "at tgt", "peak N", "stops", "outcome");
  for (size_t i = first; i < sessions.size(); ++i) {
    const v1::Session& s = sessions[i];
    const absl::Time start = absl::FromUnixSeconds(s.start_time().seconds());
    std::string outcome = !s.finalized() ? "uploading"
                          : s.outcome() == v1::SESSION_OUTCOME_ABORTED
                              ? "aborted: " + s.abort_reason()
                              : "completed";
    if (s.late()) outcome += " (late upload)";
    out << absl::StrFormat(
        "  %-17s %-13s %7.0f %7.1f %7.0f%% %6.0f %5d  %s\n",
        absl::FormatTime("%Y-%m-%d %H:%M", start, zone),
        EnumWords(v1::TractionMode_Name(s.protocol().mode()), 13),
        s.protocol().max_force_newtons(), s.summary().duration().seconds() / 60.0,
        s.summary().duration().seconds() > 0
            ? 100.0 * s.summary().time_at_target().seconds() / s.summary().duration().seconds()
            : 0.0,
        s.summary().peak_force_newtons(), s.summary().patient_stops(), outcome);
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status PrintPatientRecord(const Client& client, const std::string& patient_id,
                                absl::Time now, std::ostream& out) {
  v1::GetPatientRequest get;
  get.set_patient_id(patient_id);
  ASSIGN_OR_RETURN(auto patient, client.Call(&v1::PatientService::Stub::GetPatient,
                                             client.patients(), get));
  const v1::Patient& p = patient.patient();
  v1::GetClinicRequest get_clinic;
  get_clinic.set_clinic_id(p.clinic_id());
  ASSIGN_OR_RETURN(auto clinic, client.Call(&v1::ClinicService::Stub::GetClinic,
                                            client.clinics(), get_clinic));
  absl::TimeZone zone;
  if (!absl::LoadTimeZone(clinic.clinic().time_zone(), &zone)) zone = absl::UTCTimeZone();

  const v1::PatientIdentity& id = p.identity();
  const absl::CivilDay today = absl::ToCivilDay(now, zone);
  int age = static_cast<int>(today.year() - id.birth_date().year());
  if (absl::CivilDay(today.year(), id.birth_date().month(), id.birth_date().day()) > today) --age;
  out << "Patient  " << p.patient_id() << "   clinic: " << clinic.clinic().display_name()
      << " (" << clinic.clinic().time_zone() << ")\n";
  out << absl::StrFormat("  %s %s, born %04d-%02d-%02d (%d y), %s, ZIP %s, MRN %s%s\n",
                         id.given_name(), id.family_name(), id.birth_date().year(),
                         id.birth_date().month(), id.birth_date().day(), age,
                         EnumWords(v1::Sex_Name(id.sex()), 4), id.zip_code(), id.mrn(),
                         id.phone().empty() ? "" : ", phone " + id.phone());

  v1::ListEpisodesRequest list;
  list.set_patient_id(patient_id);
  do {
    ASSIGN_OR_RETURN(auto page, client.Call(&v1::EpisodeService::Stub::ListEpisodes,
                                            client.episodes(), list));
    for (const v1::Episode& e : page.episodes()) {
      std::vector<std::string> conditions;
      for (int c : e.conditions()) {
        conditions.push_back(EnumWords(v1::Condition_Name(static_cast<v1::Condition>(c)), 10));
      }
      std::string state = e.state() == v1::EPISODE_STATE_OPEN
                              ? "open"
                              : "closed: " + EnumWords(v1::CloseReason_Name(e.close_reason()), 13);
      out << "\nEpisode  " << e.episode_id() << "   " << absl::StrJoin(conditions, ", ")
          << "   day 0 = "
          << absl::StrFormat("%04d-%02d-%02d", e.start_date().year(), e.start_date().month(),
                             e.start_date().day())
          << "   " << state << "\n";
      const std::string weekly =
          e.plan().weekly_sessions().empty()
              ? absl::StrFormat("%d/week", e.plan().sessions_per_week())
              : "weekly " + absl::StrJoin(e.plan().weekly_sessions(), ", ");
      out << absl::StrFormat("  plan: %d sessions, %s, %d min, max force %.0f N\n",
                             e.plan().sessions_planned(), weekly, e.plan().session_minutes(),
                             e.plan().target_max_force_newtons());
      v1::GetEpisodeProgressRequest get_progress;
      get_progress.set_episode_id(e.episode_id());
      ASSIGN_OR_RETURN(auto progress,
                       client.Call(&v1::OutcomeService::Stub::GetEpisodeProgress,
                                   client.outcomes(), get_progress));
      out << "  weekly medians (w0..w12); baseline = the last value of days -14..0 recorded "
             "before the first traction session\n";
      PrintMeasures(progress.progress(), out);
      RETURN_IF_ERROR(PrintSessions(client, e, zone, out));
    }
    list.set_page_token(page.next_page_token());
  } while (!list.page_token().empty());
  return absl::OkStatus();
}

}  // namespace tractus::cli
