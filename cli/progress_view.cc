#include "cli/progress_view.h"

#include <fstream>

#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "analytics/instruments.h"
#include "cli/progress_chart.h"
#include "common/status_macros.h"
#include "tractus/v1/outcomes.grpc.pb.h"

namespace tractus::cli {
namespace {

const char* Severity(v1::AlertSeverity s) {
  switch (s) {
    case v1::ALERT_SEVERITY_HIGH: return "HIGH";
    case v1::ALERT_SEVERITY_MEDIUM: return "MEDIUM";
    case v1::ALERT_SEVERITY_LOW: return "LOW";
    default: return "?";
  }
}

std::string Opt(bool has, double v, const char* fmt = "%.1f") {
  return has ? absl::StrFormat(fmt, v) : "-";
}

void PrintAlert(const v1::Alert& a, std::ostream& out) {
  out << absl::StrFormat("  %-6s  %s  %s\n", Severity(a.severity()),
                         absl::FormatTime("%Y-%m-%d", absl::FromUnixSeconds(a.raise_time().seconds()),
                                          absl::UTCTimeZone()),
                         a.summary());
}

}  // namespace

absl::Status PrintProgress(const Client& client, const std::string& episode_id,
                           const std::string& svg_path, std::ostream& out) {
  auto stub = v1::OutcomeService::NewStub(client.channel());
  v1::GetEpisodeProgressRequest req;
  req.set_episode_id(episode_id);
  ASSIGN_OR_RETURN(auto resp, client.Call(&v1::OutcomeService::Stub::GetEpisodeProgress,
                                          stub.get(), req));
  const v1::EpisodeProgress& p = resp.progress();
  const v1::CourseProgress& c = p.course();
  out << absl::StrFormat("Episode %s  patient %s  day %d (week %d) of the 12-week window, %s\n",
                         p.episode().episode_id(), p.episode().patient_id(), p.today_day(),
                         p.current_week(),
                         p.episode().state() == v1::EPISODE_STATE_OPEN ? "open" : "closed");
  out << absl::StrFormat(
      "Course: %d of %d sessions (%.0f%%)%s; dose %.0f kN s; %d patient stops, %d "
      "overshoots, %d aborted\n\n",
      c.sessions_done(), c.sessions_planned(), 100 * c.adherence_overall(),
      c.has_adherence_to_date()
          ? absl::StrFormat(", %.0f%% of the %d planned so far", 100 * c.adherence_to_date(),
                            c.planned_to_date())
          : "",
      c.traction_dose_newton_seconds() / 1000, c.patient_stops(), c.overshoots(),
      c.aborted_sessions());
  if (c.immediate_effect().has_mean_relief()) {
    out << absl::StrFormat(
        "Immediate effect of sessions (console pain before - after): %+.1f on average over %d "
        "sessions (not part of the course's outcome rules)\n\n",
        c.immediate_effect().mean_relief(), c.immediate_effect().sessions_size());
  }
  out << absl::StrFormat("%-40s %6s %6s %15s %9s %24s %18s %9s\n", "measure", "base", "latest",
                         "change", "responder", "trend/week (95% CI)", "week 12 (range)",
                         "sustained");
  for (const v1::MeasureProgress& m : p.measures()) {
    const analytics::MeasureInfo* info = analytics::FindMeasure(m.instrument());
    if (info == nullptr) continue;
    std::string change = "-";
    if (m.has_change_points()) {
      change = absl::StrFormat("%+.1f", m.change_points());
      if (m.has_change_percent()) absl::StrAppendFormat(&change, " (%+.0f%%)", m.change_percent());
    }
    std::string responder = m.has_responder() ? (m.responder() ? "yes" : "no") : "n/a";
    if (m.has_recovered() && m.recovered()) responder += ", recovered";
    std::string trend = "-";
    if (m.has_trend()) {
      trend = absl::StrFormat("%+.2f", m.trend().theil_sen_per_week());
      // Sen's interval is claimed from 5 points on.
      trend += m.trend().has_ci_low_per_week()
                   ? absl::StrFormat(" (%+.2f..%+.2f)", m.trend().ci_low_per_week(),
                                     m.trend().ci_high_per_week())
                   : " (n<5)";
    }
    const std::string week12 =
        m.has_week12_projection()
            ? absl::StrFormat("%.1f (%.1f..%.1f)", m.week12_projection(), m.week12_low(),
                              m.week12_high())
            : "-";
    out << absl::StrFormat(
        "%-40s %6s %6s %15s %9s %24s %18s %9s\n", std::string(info->display_name),
        Opt(m.has_baseline(), m.baseline()), Opt(m.has_latest(), m.latest()), change, responder,
        trend, week12,
        m.has_first_sustained_response_week()
            ? absl::StrFormat("week %d", m.first_sustained_response_week())
            : "-");
  }
  out << "\nBaselines: the last value of days -14..0 recorded before the first traction "
         "session, else the first of week 0\n";
  for (const v1::MeasureProgress& m : p.measures()) {
    const analytics::MeasureInfo* info = analytics::FindMeasure(m.instrument());
    if (info == nullptr || !m.has_baseline_source()) continue;
    out << absl::StrFormat("  %-40s day %d, observation %s%s\n", std::string(info->display_name),
                           m.baseline_source().day(), m.baseline_source().observation_id(),
                           m.baseline_source().rule() == v1::BASELINE_RULE_FIRST_OF_WEEK_0
                               ? " (no pre-treatment value: first of week 0)"
                               : "");
  }
  out << "\nAlerts" << (p.alerts().empty() ? ": none\n" : ":\n");
  for (const v1::Alert& a : p.alerts()) PrintAlert(a, out);

  if (!svg_path.empty()) {
    std::vector<int> session_days;
    v1::ListSessionsRequest sessions;
    sessions.set_episode_id(episode_id);
    sessions.set_page_size(1000);
    ASSIGN_OR_RETURN(auto listed, client.Call(&v1::SessionService::Stub::ListSessions,
                                              client.sessions(), sessions));
    // Session days in the clinic's time zone, as the server counts them.
    v1::GetClinicRequest get_clinic;
    get_clinic.set_clinic_id(p.episode().clinic_id());
    ASSIGN_OR_RETURN(auto clinic, client.Call(&v1::ClinicService::Stub::GetClinic,
                                              client.clinics(), get_clinic));
    absl::TimeZone zone;
    if (!absl::LoadTimeZone(clinic.clinic().time_zone(), &zone)) zone = absl::UTCTimeZone();
    const absl::CivilDay day0(p.episode().start_date().year(), p.episode().start_date().month(),
                              p.episode().start_date().day());
    for (const v1::Session& s : listed.sessions()) {
      const absl::Time start = absl::FromUnixSeconds(s.start_time().seconds());
      session_days.push_back(static_cast<int>(absl::ToCivilDay(start, zone) - day0));
    }
    std::ofstream file(svg_path);
    file << RenderProgressSvg(p, session_days);
    if (!file.good()) return absl::UnavailableError("cannot write " + svg_path);
    out << "\nchart written to " << svg_path << "\n";
  }
  return absl::OkStatus();
}

absl::Status PrintClinicAlerts(const Client& client, const std::string& clinic_id,
                               std::ostream& out) {
  auto stub = v1::OutcomeService::NewStub(client.channel());
  v1::ListClinicAlertsRequest req;
  req.set_clinic_id(clinic_id);
  int rank = 0;
  do {
    ASSIGN_OR_RETURN(auto page, client.Call(&v1::OutcomeService::Stub::ListClinicAlerts,
                                            stub.get(), req));
    for (const v1::PatientAlerts& patient : page.patients()) {
      out << absl::StrFormat("%2d. %-6s patient %s  episode %s  (%d alerts)\n", ++rank,
                             Severity(patient.highest_severity()), patient.patient_id(),
                             patient.episode_id(), patient.alerts_size());
      for (const v1::Alert& a : patient.alerts()) PrintAlert(a, out);
    }
    req.set_page_token(page.next_page_token());
  } while (!req.page_token().empty());
  if (rank == 0) out << "no patient of this clinic has an alert\n";
  return absl::OkStatus();
}

}  // namespace tractus::cli
