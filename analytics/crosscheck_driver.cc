// A thin driver for analytics/crosscheck_test.py: reads one case per line
// from stdin, answers one line per case on stdout, so an independent
// implementation (scipy, numpy) can check every estimator on thousands of
// seeded random inputs. Cases (numbers separated by spaces):
//   theilsen N d1 v1 .. dN vN        -> slope/wk lo/wk hi/wk ols/wk  (nan: no interval)
//   predict N d1 v1 .. dN vN DAY MIN MAX -> value low high | none
//   wilson K N                       -> estimate low high
//   mean N v1 .. vN                  -> estimate low high
//   median N v1 .. vN                -> estimate low high
//   spearman N x1 .. xN y1 .. yN     -> rho | none
//   km N t1 e1 .. tN eN              -> per step: time at_risk events censored survival low high ;
// Not part of the product: built for the test only.
#include <cmath>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "analytics/cohort_stats.h"
#include "analytics/trend.h"

namespace tractus::analytics {
namespace {

std::string Num(double v) {
  if (std::isnan(v)) return "nan";
  std::ostringstream out;
  out.precision(17);
  out << v;
  return out.str();
}

std::string Opt(const std::optional<double>& v) { return v ? Num(*v) : "nan"; }

std::vector<double> Read(std::istream& in, int n) {
  std::vector<double> v(static_cast<size_t>(n));
  for (double& x : v) in >> x;
  return v;
}

std::vector<DayValue> ReadSeries(std::istream& in, int n) {
  std::vector<DayValue> s(static_cast<size_t>(n));
  for (DayValue& dv : s) in >> dv.day >> dv.value;
  return s;
}

std::string Answer(const std::string& line) {
  std::istringstream in(line);
  std::string kind;
  int n = 0;
  in >> kind >> n;
  if (kind == "theilsen") {
    auto t = FitTrend(ReadSeries(in, n));
    if (!t) return "none";
    return Num(t->theil_sen_per_week) + " " + Opt(t->ci_low_per_week) + " " +
           Opt(t->ci_high_per_week) + " " + Num(t->ols_per_week);
  }
  if (kind == "predict") {
    const std::vector<DayValue> s = ReadSeries(in, n);
    int day;
    double low, high;
    in >> day >> low >> high;
    auto t = FitTrend(s);
    if (!t) return "none";
    auto p = ProjectAt(*t, s, day, low, high);
    if (!p) return "none";
    return Num(p->value) + " " + Num(p->low) + " " + Num(p->high);
  }
  if (kind == "wilson") {
    int total;
    in >> total;
    Interval w = WilsonInterval(n, total);
    return Num(w.estimate) + " " + Num(w.low) + " " + Num(w.high);
  }
  if (kind == "mean" || kind == "median") {
    Interval i = kind == "mean" ? MeanInterval(Read(in, n)) : MedianInterval(Read(in, n));
    return Num(i.estimate) + " " + Num(i.low) + " " + Num(i.high);
  }
  if (kind == "spearman") {
    const std::vector<double> x = Read(in, n), y = Read(in, n);
    auto rho = Spearman(x, y);
    return rho ? Num(*rho) : "none";
  }
  if (kind == "km") {
    std::vector<TimeToEvent> subjects(static_cast<size_t>(n));
    for (TimeToEvent& s : subjects) {
      int event;
      in >> s.time >> event;
      s.event = event != 0;
    }
    std::string out;
    for (const KaplanMeierStep& step : KaplanMeier(subjects)) {
      out += std::to_string(step.time) + " " + std::to_string(step.at_risk) + " " +
             std::to_string(step.events) + " " + std::to_string(step.censored) + " " +
             Num(step.survival) + " " + Opt(step.cumulative_low) + " " +
             Opt(step.cumulative_high) + " ; ";
    }
    return out;
  }
  return "unknown";
}

}  // namespace
}  // namespace tractus::analytics

int main() {
  std::string line;
  while (std::getline(std::cin, line)) std::cout << tractus::analytics::Answer(line) << "\n";
  return 0;
}
