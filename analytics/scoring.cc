#include "analytics/scoring.h"

#include <algorithm>
#include <numeric>

namespace tractus::analytics {

OdiScore ScoreOdi(const std::array<std::optional<int>, kOdiSections>& sections) {
  int sum = 0;
  int answered = 0;
  for (const auto& s : sections) {
    if (!s.has_value()) continue;
    sum += *s;
    ++answered;
  }
  // Each unanswered section drops 5 from the denominator (the manual's rule).
  double percent = answered == 0 ? 0.0 : 100.0 * sum / (5.0 * answered);
  return {percent, answered};
}

std::string_view OdiBand(double percent) {
  if (percent <= 20) return "minimal";
  if (percent <= 40) return "moderate";
  if (percent <= 60) return "severe";
  if (percent <= 80) return "crippled";
  return "bed-bound";
}

int ScoreRmdq(const std::vector<bool>& items) {
  return static_cast<int>(std::count(items.begin(), items.end(), true));
}

int ScorePromisPi6aRaw(const std::vector<int>& items) {
  return std::accumulate(items.begin(), items.end(), 0);
}

std::optional<std::string> CheckTScoreTable(const TScoreTable& table) {
  if (table.version.empty()) return "version is empty";
  if (table.source.empty()) return "source citation is empty";
  for (size_t i = 0; i < table.t_by_raw.size(); ++i) {
    double t = table.t_by_raw[i];
    if (!(t >= 20 && t <= 100)) {
      return "T-score for raw " + std::to_string(kPromisRawMin + i) + " is out of 20..100";
    }
    if (i > 0 && !(t > table.t_by_raw[i - 1])) {
      return "T-scores must increase with the raw score (raw " +
             std::to_string(kPromisRawMin + i) + ")";
    }
  }
  return std::nullopt;
}

std::optional<double> PromisTScore(const TScoreTable* table, int raw) {
  if (table == nullptr) return std::nullopt;
  return table->t_by_raw[raw - kPromisRawMin];
}

double ScorePsfs(const std::vector<int>& scores) {
  return static_cast<double>(std::accumulate(scores.begin(), scores.end(), 0)) /
         static_cast<double>(scores.size());
}

}  // namespace tractus::analytics
