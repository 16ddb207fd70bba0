#include "cli/cohort_view.h"

#include "absl/strings/str_format.h"

namespace tractus::cli {
namespace {

std::string Interval(const v1::Estimate& e, double scale = 1) {
  return absl::StrFormat("%.2f (95%% %.2f-%.2f)", e.estimate() * scale, e.low() * scale,
                         e.high() * scale);
}

}  // namespace

void PrintCohort(const v1::CohortOutcomes& c, std::ostream& out) {
  out << "episodes " << c.episodes() << ", analysed " << c.analysed() << ", suppressed cells "
      << c.suppressed_cells() << " (cells under 11 patients are withheld)\n";
  out << "responder rate (NPRS >= 2 points or >= 30 %): "
      << (c.has_responder_rate() ? Interval(c.responder_rate(), 100) + " %" : "suppressed")
      << "\n";
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
    out << "time to sustained response (Kaplan-Meier): week, at risk, responded, cumulative\n";
    for (const v1::TimeToResponseStep& s : c.time_to_response()) {
      out << absl::StrFormat("  %2d  %5d  %4d  %5.1f %%\n", s.week(), s.at_risk(), s.responded(),
                             s.cumulative_response() * 100);
    }
  }
  out << "dose-response (Spearman, traction dose vs improvement): "
      << (c.has_dose_response_spearman()
              ? absl::StrFormat("%.3f over %d patients", c.dose_response_spearman(),
                                c.dose_response_patients())
              : std::string("suppressed"))
      << "\n";
}

}  // namespace tractus::cli
