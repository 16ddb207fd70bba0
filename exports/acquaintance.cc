#include "exports/acquaintance.h"

#include <cmath>
#include <map>
#include <set>
#include <tuple>

#include "absl/strings/str_cat.h"

namespace tractus::exports {

std::string CountBand(int64_t n) {
  if (n <= 0) return "0";
  if (n < 5) return "1-4";
  if (n >= 40) return "40+";
  const int64_t low = n / 5 * 5;
  return absl::StrCat(low, "-", low + 4);
}

double RoundSignificant(double v, int digits) {
  if (v == 0 || !std::isfinite(v)) return v;
  const double scale = std::pow(10.0, digits - 1 - std::floor(std::log10(std::fabs(v))));
  return std::round(v * scale) / scale;
}

namespace {

// The band's lower bound stands for the band.
int64_t BandKey(int64_t n) {
  if (n <= 0) return 0;
  if (n < 5) return 1;
  if (n >= 40) return 40;
  return n / 5 * 5;
}

using Key = std::tuple<uint64_t, int64_t, int64_t, int64_t>;

double UniqueShare(const std::vector<KnownFacts>& episodes, int known, bool released,
                   const v1::ExportCoarsening& coarsening) {
  const auto key = [&](const KnownFacts& e) {
    const int64_t sessions =
        released && coarsening.count_bands() ? BandKey(e.sessions_done) : e.sessions_done;
    const int64_t days =
        released && coarsening.days_as_weeks() ? e.weeks_measured : e.days_measured;
    return Key{e.quasi_class, sessions, known >= 2 ? e.measures : -1, known >= 3 ? days : -1};
  };
  std::map<Key, std::set<uint64_t>> holders;
  std::set<uint64_t> subjects;
  for (const KnownFacts& e : episodes) {
    holders[key(e)].insert(e.subject);
    subjects.insert(e.subject);
  }
  std::set<uint64_t> unique;
  for (const KnownFacts& e : episodes) {
    if (holders[key(e)].size() == 1) unique.insert(e.subject);
  }
  return subjects.empty() ? 0 : static_cast<double>(unique.size()) / subjects.size();
}

}  // namespace

std::vector<v1::UniquenessRisk> UniquenessShares(const std::vector<KnownFacts>& episodes,
                                                 const v1::ExportCoarsening& coarsening) {
  std::vector<v1::UniquenessRisk> out;
  const char* names[] = {"sessions_done", "sessions_done+measures",
                         "sessions_done+measures+days_measured"};
  for (int known = 1; known <= 3; ++known) {
    v1::UniquenessRisk r;
    r.set_known(names[known - 1]);
    r.set_exact(UniqueShare(episodes, known, false, coarsening));
    r.set_released(UniqueShare(episodes, known, true, coarsening));
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace tractus::exports
