#include "analytics/cohort.h"

#include <algorithm>

#include "analytics/disclosure.h"

namespace tractus::analytics {

EpisodeSummary SummarizeEpisode(const MeasureProgress& nprs, bool dropped_out,
                                const std::vector<CourseDose>& sessions) {
  EpisodeSummary s;
  s.baseline = nprs.baseline;
  for (const WeekStat& w : nprs.weeks) {
    if (w.week >= 0 && w.week < kEpisodeWeeks) s.weekly[w.week] = w.median;
    if (w.median) s.last_week = w.week;
  }
  s.first_sustained_response_week = nprs.first_sustained_response_week;
  s.dropped_out = dropped_out;
  for (const CourseDose& d : sessions) {
    const int w = std::max(0, WeekOfDay(d.day));
    if (w < kEpisodeWeeks) s.dose_through_week[w] += d.newton_seconds;
  }
  for (int w = 1; w < kEpisodeWeeks; ++w) s.dose_through_week[w] += s.dose_through_week[w - 1];
  return s;
}

bool ReachedWeek(const EpisodeSummary& e, int week) { return e.today_day >= 7 * (week + 1); }

std::string_view BaselineBand(double baseline) {
  if (baseline <= 3) return "mild";
  if (baseline <= 6) return "moderate";
  return "severe";
}

namespace {

const MeasureInfo& Nprs() {
  static const MeasureInfo& nprs = *FindMeasure(static_cast<int>(Measure::kNprs));
  return nprs;
}

bool RespondedAt(const EpisodeSummary& e, int week) {
  return e.weekly[week] && MeetsResponderRule(Nprs(), *e.baseline, *e.weekly[week]).value_or(false);
}

std::string Piece(std::string_view s) { return std::string(s); }
std::string Piece(int i) { return std::to_string(i); }

// Cell and fact names: "responder@" + 8.
template <typename... Parts>
std::string Cat(const Parts&... parts) {
  return (std::string() + ... + Piece(parts));
}

bool IsResponderWeek(int w) {
  return std::find(kResponderWeeks.begin(), kResponderWeeks.end(), w) != kResponderWeeks.end();
}

// A count over a population and its cell key, built record by record.
struct Cell {
  explicit Cell(std::string_view fact) : key(fact) {}
  void Add(uint64_t record_key, bool holds) {
    count += holds ? 1 : 0;
    key.Add(record_key, holds);
  }
  int count = 0;
  CellKey key;
};

// A magnitude over a population (its members with a value): the values and
// the cell keys of their sum, spread and median.
struct Magnitude {
  explicit Magnitude(const std::string& quantity)
      : sum(Cat(quantity, ".sum")),
        spread(Cat(quantity, ".spread")),
        median(Cat(quantity, ".median")) {}
  void Add(uint64_t record_key, std::optional<double> value) {
    if (value) values.push_back(*value);
    sum.Add(record_key, value.has_value());
    spread.Add(record_key, value.has_value());
    median.Add(record_key, value.has_value());
  }
  std::vector<double> values;
  CellKey sum, spread, median;
};

// Everything one cohort publishes, gathered in one pass over its episodes
// (each figure's population and fact as docs/disclosure.md names them).
struct CohortCells {
  struct Week {
    explicit Week(int w)
        : reached(Cat("reached@", w)),
          valued(Cat("valued@", w)),
          nprs(Cat("nprs@", w)),
          responders(Cat("responder@", w)),
          at_risk(Cat("km.at_risk@", w)),
          events(Cat("km.event@", w)),
          censored(Cat("km.censored@", w)) {}
    Cell reached;        // over the analysed episodes (responder weeks only)
    Cell valued;         // over those that reached the week
    Magnitude nprs;      // over those that reached the week
    // Responders among those that reached the week (responder weeks only):
    // the numerator of both rates, with one noise — the per-protocol and the
    // intention-to-treat rate are not two readings of a patient's status.
    Cell responders;
    Cell at_risk, events, censored;  // Kaplan–Meier, over the analysed
  };

  CohortCells() {
    for (int w = 0; w < kEpisodeWeeks; ++w) weeks.emplace_back(w);
  }

  void AddEpisode(const EpisodeSummary& e) {
    episodes.Add(e.record_key, true);
    analysed.Add(e.record_key, e.baseline.has_value());
    if (!e.baseline) return;
    dropped_out.Add(e.record_key, e.dropped_out);
    baseline.Add(e.record_key, e.baseline);
    const int time = e.first_sustained_response_week.value_or(e.last_week);
    for (int w = 0; w < kEpisodeWeeks; ++w) {
      Week& week = weeks[w];
      week.at_risk.Add(e.record_key, time >= w);
      week.events.Add(e.record_key, e.first_sustained_response_week == w);
      week.censored.Add(e.record_key, !e.first_sustained_response_week && e.last_week == w);
      const bool reached = ReachedWeek(e, w);
      const bool rated = IsResponderWeek(w);
      if (rated) week.reached.Add(e.record_key, reached);
      if (!reached) continue;
      week.valued.Add(e.record_key, e.weekly[w].has_value());
      week.nprs.Add(e.record_key, e.weekly[w]);
      if (!rated) continue;
      const bool responded = RespondedAt(e, w);
      week.responders.Add(e.record_key, responded);
    }
  }

  Cell episodes{"episodes"};
  Cell analysed{"analysed"};
  Cell dropped_out{"dropped_out"};
  Magnitude baseline{"baseline"};
  std::vector<Week> weeks;
};

// Publishes the figures of one table: protected (cell-key method) or, for
// tests of the rules, exact. Records what it withholds.
class Publisher {
 public:
  Publisher(Protection protection, std::vector<std::string>* withheld)
      : protect_(protection == Protection::kCellKey), withheld_(withheld) {}

  bool protect() const { return protect_; }

  // A count as published; `cell` names it when withheld.
  std::optional<int> Count(const Cell& c, std::string_view cell) {
    std::optional<int> shown;
    if (protect_) {
      shown = ProtectCount(c.count, c.key);
    } else if (c.count >= kMinCellPatients) {
      shown = c.count;
    }
    if (!shown) Withhold(cell);
    return shown;
  }

  // The share `successes` is of its population of `n` (> 0).
  Interval Rate(const Cell& successes, int n) const {
    if (!protect_) return WilsonInterval(successes.count, n);
    return ProtectRate(successes.count, n, successes.key);
  }

  // Mean and median of the values (>= 2).
  Interval Mean(const Magnitude& m) const {
    const Interval mean = MeanInterval(m.values);
    if (!protect_) return mean;
    return ProtectMean(mean, static_cast<int>(m.values.size()), kPainSumNoise, m.sum, m.spread);
  }
  Interval Median(const Magnitude& m) const {
    const Interval median = MedianInterval(m.values);
    return protect_ ? ProtectMedian(median, m.median) : median;
  }

  double Correlation(double exact, const CellKey& key) const {
    return protect_ ? ProtectCorrelation(exact, key) : exact;
  }

  // A count used inside a figure but not shown (e.g. a Kaplan–Meier count
  // under the curve): moved like a shown one, never withheld.
  int Moved(const Cell& c) const {
    return protect_ ? std::max(0, c.count + c.key.CountShift()) : c.count;
  }

  void Withhold(std::string_view cell) { withheld_->emplace_back(cell); }

 private:
  const bool protect_;
  std::vector<std::string>* withheld_;
};

ResponderRateAtWeek RateAt(Publisher& publish, const CohortCells::Week& week, int w) {
  const std::string cell = Cat("responder_rates[week=", w, "]");
  ResponderRateAtWeek r{w, 0, std::nullopt, 0, std::nullopt};
  // The per-protocol n is the week's patient count (the same fact over the
  // same population: the same published number).
  if (auto n = publish.Count(week.valued, Cat(cell, ".per_protocol"))) {
    r.per_protocol_patients = *n;
    r.per_protocol = publish.Rate(week.responders, week.valued.count);
  }
  if (auto n = publish.Count(week.reached, Cat(cell, ".intention_to_treat"))) {
    r.itt_patients = *n;
    r.intention_to_treat = publish.Rate(week.responders, week.reached.count);
  }
  return r;
}

// Week 12 when enough episodes have a value then; otherwise the latest week
// every analysed episode has reached (-1: none).
int DoseResponseWeek(const std::vector<const EpisodeSummary*>& analysed) {
  const int last = kEpisodeWeeks - 1;
  int at_last = 0;
  int common = last;
  for (const EpisodeSummary* e : analysed) {
    if (ReachedWeek(*e, last) && e->weekly[last]) ++at_last;
    common = std::min(common, e->today_day / 7 - 1);
  }
  return at_last >= kMinCellPatients ? last : common;
}

// Time to first sustained response (censored at the last week with data),
// on the fixed grid of weeks 0..12 so that a step's presence says nothing
// about whether anyone responded or left that week. The curve is computed
// from the moved counts.
std::vector<PublishedStep> TimeToResponse(Publisher& publish, const CohortCells& cells) {
  std::vector<KaplanMeierCounts> counts;
  for (int t = 0; t < kEpisodeWeeks; ++t) {
    const CohortCells::Week& week = cells.weeks[t];
    const int at_risk = publish.Moved(week.at_risk);
    counts.push_back({t, at_risk, std::min(publish.Moved(week.events), at_risk),
                      publish.Moved(week.censored)});
  }
  std::vector<PublishedStep> out;
  const std::vector<KaplanMeierStep> steps = KaplanMeierFromCounts(counts);
  for (const KaplanMeierStep& step : steps) {
    const std::string cell = Cat("time_to_response[week=", step.time, "]");
    if (step.at_risk < kMinCellPatients) {
      publish.Withhold(cell);
      continue;
    }
    const CohortCells::Week& week = cells.weeks[step.time];
    // Shown only at 11 or more (after the move): withheld cells are named.
    std::optional<int> events = publish.Count(week.events, Cat(cell, ".responded"));
    std::optional<int> censored = publish.Count(week.censored, Cat(cell, ".censored"));
    out.push_back({step, events, censored});
  }
  return out;
}

}  // namespace

CohortResult ComputeCohort(const std::vector<EpisodeSummary>& episodes, Protection protection) {
  CohortResult r;
  Publisher publish(protection, &r.withheld);
  CohortCells cells;
  std::vector<const EpisodeSummary*> analysed;
  for (const EpisodeSummary& e : episodes) {
    cells.AddEpisode(e);
    if (e.baseline) analysed.push_back(&e);
  }
  r.episodes = publish.Count(cells.episodes, "episodes");
  r.analysed = publish.Count(cells.analysed, "analysed");
  r.dropped_out = publish.Count(cells.dropped_out, "dropped_out");
  if (r.analysed) r.baseline = publish.Mean(cells.baseline);

  for (int w : kResponderWeeks) r.responder_rates.push_back(RateAt(publish, cells.weeks[w], w));

  for (int w = 0; w < kEpisodeWeeks; ++w) {
    const CohortCells::Week& week = cells.weeks[w];
    CohortWeekStats stats{w, 0, true, std::nullopt, std::nullopt};
    if (auto n = publish.Count(week.valued, Cat("weeks[", w, "]"))) {
      stats.patients = *n;
      stats.suppressed = false;
      stats.mean = publish.Mean(week.nprs);
      stats.median = publish.Median(week.nprs);
    }
    r.weeks.push_back(stats);
  }

  r.time_to_response = TimeToResponse(publish, cells);

  r.dose_response_week = DoseResponseWeek(analysed);
  const int w = r.dose_response_week;
  std::optional<int> n;
  if (w >= 0) n = publish.Count(cells.weeks[w].valued, "dose_response");
  if (w < 0) publish.Withhold("dose_response");
  if (n) {
    std::vector<double> dose, improvement;
    CellKey key(Cat("dose_response@", w));
    for (const EpisodeSummary* e : analysed) {
      if (!ReachedWeek(*e, w) || !e->weekly[w]) continue;
      dose.push_back(e->dose_through_week[w]);
      improvement.push_back(*e->baseline - *e->weekly[w]);
      key.Add(e->record_key, true);
    }
    if (std::optional<double> rho = Spearman(dose, improvement)) {
      r.dose_response = publish.Correlation(*rho, key);
      r.dose_response_patients = *n;
    }
  }
  r.suppressed_cells = static_cast<int>(r.withheld.size());
  return r;
}

SimilarReference ExpectedTrajectory(const std::vector<EpisodeSummary>& similar,
                                    Protection protection) {
  SimilarReference out;
  std::vector<std::string> withheld;
  Publisher publish(protection, &withheld);
  Cell all("similar");
  std::vector<Cell> valued;
  std::vector<Magnitude> change;
  for (int w = 0; w < kEpisodeWeeks; ++w) {
    valued.emplace_back(Cat("similar.valued@", w));
    change.emplace_back(Cat("similar.change@", w));
  }
  for (const EpisodeSummary& e : similar) {
    all.Add(e.record_key, true);
    for (int w = 0; w < kEpisodeWeeks; ++w) {
      valued[w].Add(e.record_key, e.weekly[w].has_value());
      change[w].Add(e.record_key, e.weekly[w] ? std::optional(*e.weekly[w] - *e.baseline)
                                              : std::nullopt);
    }
  }
  out.episodes = publish.Count(all, "similar_episodes");
  if (!out.episodes) return out;
  for (int w = 0; w < kEpisodeWeeks; ++w) {
    if (auto n = publish.Count(valued[w], "")) {
      out.expected.push_back({w, *n, publish.Mean(change[w]).estimate});
    }
  }
  return out;
}

}  // namespace tractus::analytics
