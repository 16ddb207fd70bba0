// Questionnaire scoring, as the instruments' manuals define it. Pure
// functions over plain types. Inputs must already be validated
// (records/validation.h checks ranges and counts and names bad fields);
// these functions state their REQUIRES and do not re-check them.
#ifndef TRACTUS_ANALYTICS_SCORING_H_
#define TRACTUS_ANALYTICS_SCORING_H_

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tractus::analytics {

// ---- Oswestry Disability Index (v2.1a) ----
inline constexpr int kOdiSections = 10;
// More unanswered sections than this make the score unreliable; the
// questionnaire is then not scored (rejected at validation).
inline constexpr int kOdiMaxUnanswered = 2;

struct OdiScore {
  double percent;  // sum / (5 x answered) x 100, 0..100
  int answered;    // 8..10
};
// REQUIRES: each answered section in 0..5, at most kOdiMaxUnanswered unset.
OdiScore ScoreOdi(const std::array<std::optional<int>, kOdiSections>& sections);

// Disability band of an ODI percentage (Fairbank): "minimal" (0-20),
// "moderate" (21-40), "severe" (41-60), "crippled" (61-80), "bed-bound" (81-100).
std::string_view OdiBand(double percent);

// ---- Roland-Morris Disability Questionnaire ----
inline constexpr int kRmdqItems = 24;
// REQUIRES: items.size() == kRmdqItems. Score = number of "yes" (0..24).
int ScoreRmdq(const std::vector<bool>& items);

// ---- PROMIS Pain Interference short form 6a ----
inline constexpr int kPromisPi6aItems = 6;
inline constexpr int kPromisRawMin = 6;
inline constexpr int kPromisRawMax = 30;
// REQUIRES: 6 items, each 1..5. Raw summed score 6..30.
int ScorePromisPi6aRaw(const std::vector<int>& items);

// A raw-to-T-score conversion table, kept as versioned data with its source.
// DESIGN.md: public copies of the official HealthMeasures table disagree, so
// Tractus ships no table; a T-score is reported only when an operator
// installs one whose source can be cited. Thread-safe (immutable).
struct TScoreTable {
  std::string version;  // e.g. "healthmeasures-pi6a-2023-01"
  std::string source;   // citation of the published table
  std::array<double, kPromisRawMax - kPromisRawMin + 1> t_by_raw;  // raw 6..30
};
// Checks a table is usable: non-empty version and source, T-scores strictly
// increasing and within 20..100. Returns a description of the first problem,
// or nullopt if the table is fine.
std::optional<std::string> CheckTScoreTable(const TScoreTable& table);
// The T-score for `raw` from `table`; nullopt when there is no table.
// REQUIRES: raw in 6..30; table (if any) passed CheckTScoreTable.
std::optional<double> PromisTScore(const TScoreTable* table, int raw);

// ---- Patient-Specific Functional Scale ----
inline constexpr int kPsfsMinActivities = 3;
inline constexpr int kPsfsMaxActivities = 5;
// REQUIRES: 3..5 scores, each 0..10. Score = mean.
double ScorePsfs(const std::vector<int>& scores);

}  // namespace tractus::analytics

#endif  // TRACTUS_ANALYTICS_SCORING_H_
