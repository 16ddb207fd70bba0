// Disclosure control of aggregates: Tractus's cell-key method, version 1
// (docs/disclosure.md has the method, its parameters, the error it adds and
// why it defeats differencing).
//
// Every episode carries a secret 64-bit record key, fixed for its life and
// never shown. A published figure is about a *fact* (e.g. "NPRS responder
// at week 8") over a *population* (the episodes the figure is computed
// over). Each record of the population contributes a pseudo-random value
// keyed by (record key, fact, whether the fact holds for it); the cell key
// is the sum of the contributions — modulo 5 for counts, modulo 2^64 for
// magnitudes — and the figure's noise is read from the cell key. So:
//
//  - the same population and fact always give the same noise: repeating a
//    query, or averaging repeated queries, gains nothing;
//  - adding one record shifts the cell key by that record's own fixed,
//    secret contribution: two queries differing by one patient differ by
//    the patient's value plus noise the attacker cannot learn, however many
//    pairs of queries it tries (the shift is the same in every pair, and
//    members and non-members both shift it);
//  - every record contributes, member or not, so a cell whose members did
//    not change still moves when the population does;
//  - contributions add commutatively in integers: shards summing their own
//    records and one server summing all of them get the same cell key bit
//    for bit.
//
// Pure; no state beyond the values passed in.
#ifndef TRACTUS_ANALYTICS_DISCLOSURE_H_
#define TRACTUS_ANALYTICS_DISCLOSURE_H_

#include <cstdint>
#include <optional>
#include <string_view>

#include "analytics/cohort_stats.h"

namespace tractus::analytics {

inline constexpr std::string_view kDisclosureMethod = "tractus-cell-key";
inline constexpr int kDisclosureVersion = 1;

// Parameters of version 1 (changing any is a new version).
// Counts move by an amount in -kCountNoise..kCountNoise, each with
// probability 1/5.
inline constexpr int kCountNoise = 2;
// The numerator of a rate moves by a uniform amount in [-2.8, 2.8): a rate
// of n moves by less than 2.8 / n (under 3 points at n = 94).
inline constexpr double kRateNumeratorNoise = 2.8;
// A sum of pain scores (0-10) or pain changes moves by a uniform amount in
// [-10, 10): a mean of n moves by less than 10 / n.
inline constexpr double kPainSumNoise = 10.0;
// A median and its interval move together by a uniform amount in
// [-0.5, 0.5).
inline constexpr double kMedianNoise = 0.5;
// The spread behind a mean's interval is scaled by a factor in [0.9, 1.1).
inline constexpr double kSpreadNoise = 0.1;
// A correlation moves by a uniform amount in [-0.05, 0.05).
inline constexpr double kCorrelationNoise = 0.05;

// A fact's stable id (FNV-1a 64 of its name): the same in every build and
// on every shard. Names are part of the method (docs/disclosure.md).
uint64_t FactId(std::string_view name);

// The cell key of one fact over one population, built record by record in
// any order.
class CellKey {
 public:
  explicit CellKey(uint64_t fact) : fact_(fact) {}
  explicit CellKey(std::string_view fact) : fact_(FactId(fact)) {}

  // One record of the population; `holds`: whether the fact holds for it.
  void Add(uint64_t record_key, bool holds);

  // -kCountNoise..kCountNoise, uniform over the cell key.
  int CountShift() const { return static_cast<int>(mod5_ % 5) - kCountNoise; }
  // [-1, 1), uniform over the cell key.
  double Unit() const;

 private:
  uint64_t fact_;
  uint64_t ring_ = 0;  // sum of contributions modulo 2^64
  uint64_t mod5_ = 0;  // sum of (each contribution modulo 5); read modulo 5
};

// A count as published: the true count moved by the cell's shift (never
// below 0), withheld (nullopt) when the result is under kMinCellPatients.
std::optional<int> ProtectCount(int count, const CellKey& key);

// successes / n with the numerator moved by kRateNumeratorNoise * Unit()
// (kept within [0, n]) and the Wilson interval of that. REQUIRES: n > 0.
Interval ProtectRate(int successes, int n, const CellKey& key);

// A mean of n values from `exact` (MeanInterval): the estimate moves by
// sum_noise * sum_key.Unit() / n, the half-widths scale by
// 1 + kSpreadNoise * spread_key.Unit().
Interval ProtectMean(const Interval& exact, int n, double sum_noise, const CellKey& sum_key,
                     const CellKey& spread_key);

// A median with its interval, all moved by kMedianNoise * key.Unit().
Interval ProtectMedian(const Interval& exact, const CellKey& key);

// A correlation moved by kCorrelationNoise * key.Unit(), kept in [-1, 1].
double ProtectCorrelation(double exact, const CellKey& key);

}  // namespace tractus::analytics

#endif  // TRACTUS_ANALYTICS_DISCLOSURE_H_
