#include "cli/cohort_view.h"

#include "absl/strings/str_format.h"

namespace tractus::cli {
namespace {

std::string Interval(const v1::Estimate& e, double scale = 1) {
  return absl::StrFormat("%.2f (95%% %.2f-%.2f)", e.estimate() * scale, e.low() * scale,
                         e.high() * scale);
}

std::string Count(bool has, int value) { return has ? std::to_string(value) : "<11"; }

std::string Rate(bool has, const v1::Estimate& e, int patients) {
  return has ? absl::StrFormat("%s %% of %d", Interval(e, 100), patients) : "suppressed";
}

}  // namespace

void PrintCohort(const v1::CohortOutcomes& c, std::ostream& out) {
  out << "episodes " << Count(c.has_episodes(), c.episodes())
      << ", analysed (with a pain baseline) " << Count(c.has_analysed(), c.analysed())
      << ", dropped out " << Count(c.has_dropped_out(), c.dropped_out()) << "\n";
  out << "protection: " << c.disclosure().method() << " v" << c.disclosure().version()
      << " (counts perturbed by -2..2, cells under 11 withheld: " << c.suppressed_cells()
      << "; docs/disclosure.md)\n";
  if (c.has_baseline()) out << "baseline NPRS (mean) " << Interval(c.baseline()) << "\n";
  out << "responders (NPRS weekly median >= 2 points or >= 30 % below baseline), among the "
         "episodes that reached each week:\n";
  for (const v1::ResponderRateAtWeek& r : c.responder_rates()) {
    out << absl::StrFormat("  week %2d  per protocol %s\n", r.week(),
                           Rate(r.has_per_protocol(), r.per_protocol(), r.per_protocol_patients()));
    out << absl::StrFormat("           intention to treat (missing = non-responder) %s\n",
                           Rate(r.has_intention_to_treat(), r.intention_to_treat(),
                                r.intention_to_treat_patients()));
  }
  out << "week  patients  mean NPRS                  median NPRS\n";
  for (const v1::CohortWeek& w : c.weeks()) {
    if (w.suppressed()) {
      out << absl::StrFormat("%4d  %8s  suppressed\n", w.week(), "<11");
      continue;
    }
    out << absl::StrFormat("%4d  %8d  %-26s %s\n", w.week(), w.patients(), Interval(w.mean()),
                           Interval(w.median()));
  }
  if (!c.time_to_response().empty()) {
    out << "time to sustained response (Kaplan-Meier, Greenwood log-log 95 %): week, at risk, "
           "responded, cumulative\n";
    for (const v1::TimeToResponseStep& s : c.time_to_response()) {
      out << absl::StrFormat("  %2d  %5d  %4s  %5.1f %%", s.week(), s.at_risk(),
                             Count(s.has_responded(), s.responded()),
                             s.cumulative_response() * 100);
      if (s.has_cumulative_response_low()) {
        out << absl::StrFormat(" (%.1f-%.1f %%)", s.cumulative_response_low() * 100,
                               s.cumulative_response_high() * 100);
      }
      out << "\n";
    }
  }
  out << "dose-response (Spearman, traction dose vs improvement at a fixed week): "
      << (c.has_dose_response_spearman()
              ? absl::StrFormat("%.3f over %d patients at week %d", c.dose_response_spearman(),
                                c.dose_response_patients(), c.dose_response_week())
              : std::string("suppressed"))
      << "\n";
}

}  // namespace tractus::cli
