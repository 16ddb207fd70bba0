#include "analytics/disclosure.h"

#include <algorithm>

namespace tractus::analytics {
namespace {

// SplitMix64's finalizer: a bijection of 64-bit words that spreads every
// input bit over the output.
uint64_t Mix(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

}  // namespace

uint64_t FactId(std::string_view name) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (char c : name) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return h;
}

void CellKey::Add(uint64_t record_key, bool holds) {
  const uint64_t contribution =
      Mix(record_key ^ (fact_ * 0x9e3779b97f4a7c15ULL) ^ (holds ? 0xd1b54a32d192ed03ULL : 0));
  ring_ += contribution;  // wraps: modulo 2^64
  mod5_ += contribution % 5;
}

double CellKey::Unit() const {
  // The top 53 bits as a fraction in [0, 1), then onto [-1, 1).
  return static_cast<double>(ring_ >> 11) * 0x1.0p-52 - 1.0;
}

std::optional<int> ProtectCount(int count, const CellKey& key) {
  const int shown = std::max(0, count + key.CountShift());
  if (shown < kMinCellPatients) return std::nullopt;
  return shown;
}

Interval ProtectRate(int successes, int n, const CellKey& key) {
  const double moved = std::clamp(successes + kRateNumeratorNoise * key.Unit(), 0.0,
                                  static_cast<double>(n));
  return WilsonInterval(moved, n);
}

Interval ProtectMean(const Interval& exact, int n, double sum_noise, const CellKey& sum_key,
                     const CellKey& spread_key) {
  const double estimate = exact.estimate + sum_noise * sum_key.Unit() / n;
  const double scale = 1 + kSpreadNoise * spread_key.Unit();
  return {estimate, estimate - (exact.estimate - exact.low) * scale,
          estimate + (exact.high - exact.estimate) * scale};
}

Interval ProtectMedian(const Interval& exact, const CellKey& key) {
  const double shift = kMedianNoise * key.Unit();
  return {exact.estimate + shift, exact.low + shift, exact.high + shift};
}

double ProtectCorrelation(double exact, const CellKey& key) {
  return std::clamp(exact + kCorrelationNoise * key.Unit(), -1.0, 1.0);
}

}  // namespace tractus::analytics
