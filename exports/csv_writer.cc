// CSV format: episodes.csv (one row per exported episode: quasi-identifiers,
// course, and per measure baseline, weeks 4/8/12, change, responder),
// observations.csv (one row per value: subject, measure, day, offset, value,
// source, week) and data_dictionary.csv describing every column of both.
// With ExportCoarsening, counts go in *_band columns and times in weeks.
#include <cmath>
#include <optional>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/status_macros.h"
#include "exports/acquaintance.h"
#include "exports/dataset.h"
#include "exports/file_sink.h"

namespace tractus::exports {
namespace {

using analytics::MeasureInfo;

// RFC 4180: quote when needed, double the quotes. Values here are codes
// and numbers, but quoting keeps the file well formed whatever comes.
std::string Field(absl::string_view s) {
  if (s.find_first_of(",\"\n\r") == absl::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

// %.6g; whole numbers below a million (nearly every score) print as the
// same digits without the formatter.
void AppendNumber(double v, std::string* out) {
  if (v == std::trunc(v) && std::abs(v) < 1e6) {
    absl::StrAppend(out, static_cast<int64_t>(v));
  } else {
    absl::StrAppendFormat(out, "%.6g", v);
  }
}

std::string Number(std::optional<double> v) {
  std::string out;
  if (v.has_value()) AppendNumber(*v, &out);
  return out;
}

std::string Bool(std::optional<bool> v) {
  return v.has_value() ? (*v ? "true" : "false") : std::string();
}

struct Column {
  std::string name, type, unit, meaning, code;
};

std::vector<Column> EpisodeColumns() {
  std::vector<Column> c = {
      {"subject_id", "string", "", "pseudonymous patient id, stable within this export (or linkage key)", ""},
      {"episode_ref", "string", "", "pseudonymous episode id", ""},
      {"age_band", "string", "a", "age at day 0 in 5-year bands; 90+ for everyone 90 or older", ""},
      {"sex", "string", "", "female, male, other or unknown", ""},
      {"zip3", "string", "", "first three ZIP digits; 000 for restricted prefixes", ""},
      {"condition", "string", "", "primary condition treated", ""},
      {"other_conditions", "string", "", "further conditions, ';'-separated", ""},
      {"state", "string", "", "open, or why the episode closed", ""},
      {"days_observed", "integer", "d", "episode day of the latest value or session (0 = start), at most 84; figures are as of the end of that day, never the export date", ""},
      {"sessions_planned", "integer", "", "traction sessions in the plan", ""},
      {"sessions_done", "integer", "", "traction sessions uploaded by the tables", ""},
      {"adherence", "number", "1", "sessions done / planned", ""},
      {"traction_dose_kns", "number", "kN.s", "cumulative integral of force over time, in kilonewton-seconds (the API's traction_dose_newton_seconds / 1000)", ""},
      {"patient_stops", "integer", "", "patient interrupt switch presses", ""},
      {"overshoots", "integer", "", "force overshoot events", ""},
  };
  for (const MeasureInfo& m : analytics::AllMeasures()) {
    const std::string code(m.loinc.empty() ? m.local_code : m.loinc);
    const std::string unit(m.ucum_unit);
    const std::string name(m.name), display(m.display_name);
    c.push_back({name + "_baseline", "number", unit, display + ": pre-treatment baseline (last value of days -14..0 before the first traction session, else first of week 0; docs/outcomes.md)", code});
    for (int w : {4, 8, 12}) {
      c.push_back({absl::StrCat(name, "_week", w), "number", unit,
                   absl::StrCat(display, ": median of week ", w, " (episode days ", 7 * w, "-",
                                7 * w + 6, ")"),
                   code});
    }
    c.push_back({name + "_change", "number", unit, display + ": latest minus baseline", code});
    c.push_back({name + "_change_pct", "number", "%", display + ": change as % of baseline", code});
    c.push_back({name + "_responder", "boolean", "", display + ": responder by the instrument's MCID rule", code});
  }
  // Filled instead of the exact counts when the export asks for count bands
  // (ExportCoarsening.count_bands); empty otherwise.
  for (const char* count : {"sessions_planned", "sessions_done", "days_observed", "patient_stops",
                            "overshoots"}) {
    c.push_back({absl::StrCat(count, "_band"), "string", "",
                 absl::StrCat(count, " in a band (0, 1-4, 5-9, ... 40+) when the export asked "
                                     "for count bands; else empty"),
                 ""});
  }
  return c;
}

std::vector<Column> ObservationColumns() {
  return {
      {"subject_id", "string", "", "pseudonymous patient id", ""},
      {"episode_ref", "string", "", "pseudonymous episode id", ""},
      {"measure", "string", "", "measure name (see episodes' columns)", ""},
      {"code", "string", "", "LOINC code, or the Tractus local code", ""},
      {"unit", "string", "", "UCUM unit of value", ""},
      {"day", "integer", "d", "episode day (0 = start; negative: before start)", ""},
      {"offset_minutes", "integer", "min", "minutes from day 0 00:00 clinic time", ""},
      {"value", "number", "", "the score or measured value", ""},
      {"source", "string", "", "home, clinic or device", ""},
      {"week", "integer", "wk", "episode week (0 = days 0-6; negative: before start); day and offset_minutes are empty when the export asked for weeks", ""},
      {"laterality", "string", "", "left or right for the straight leg raise; else empty", ""},
  };
}

std::string Header(const std::vector<Column>& columns) {
  std::vector<std::string> names;
  for (const Column& c : columns) names.push_back(c.name);
  return absl::StrJoin(names, ",");
}

class CsvWriter final : public DatasetWriter {
 public:
  explicit CsvWriter(const v1::ExportCoarsening& coarsening) : coarsening_(coarsening) {}

  absl::Status Open(const std::string& dir) {
    for (const MeasureInfo& m : analytics::AllMeasures()) {
      measure_fields_[&m] = absl::StrCat(std::string(m.name), ",",
                                         std::string(m.loinc.empty() ? m.local_code : m.loinc),
                                         ",", Field(std::string(m.ucum_unit)), ",");
    }
    ASSIGN_OR_RETURN(episodes_, FileSink::Create(dir, "episodes.csv", "episodes"));
    ASSIGN_OR_RETURN(observations_, FileSink::Create(dir, "observations.csv", "observations"));
    ASSIGN_OR_RETURN(dictionary_, FileSink::Create(dir, "data_dictionary.csv", "data_dictionary"));
    RETURN_IF_ERROR(episodes_->Line(Header(EpisodeColumns()), /*header=*/true));
    RETURN_IF_ERROR(observations_->Line(Header(ObservationColumns()), /*header=*/true));
    RETURN_IF_ERROR(dictionary_->Line("table,column,type,unit,meaning,code", /*header=*/true));
    for (const auto& [table, columns] :
         {std::pair{"episodes.csv", EpisodeColumns()},
          std::pair{"observations.csv", ObservationColumns()}}) {
      for (const Column& c : columns) {
        RETURN_IF_ERROR(dictionary_->Line(absl::StrJoin(
            {std::string(table), Field(c.name), c.type, Field(c.unit), Field(c.meaning), Field(c.code)},
            ",")));
      }
    }
    return absl::OkStatus();
  }

  absl::Status WriteEpisode(const ExportedEpisode& e) override {
    const v1::EpisodeProgress& p = *e.progress;
    const bool bands = coarsening_.count_bands();
    // Exact counts, or (with count bands) empty here and banded at the end.
    const std::vector<int64_t> counts = {p.course().sessions_planned(), p.course().sessions_done(),
                                         e.today_day, p.course().patient_stops(),
                                         p.course().overshoots()};
    const auto count = [&](size_t i) { return bands ? std::string() : absl::StrCat(counts[i]); };
    const double adherence = p.course().adherence_overall();
    const double dose = p.course().traction_dose_newton_seconds() / 1000;
    std::vector<std::string> row = {
        Field(e.subject_id), Field(e.episode_ref), Field(e.qi.age_band), Field(e.qi.sex),
        Field(e.qi.zip3), Field(e.qi.condition), Field(absl::StrJoin(e.other_conditions, ";")),
        Field(e.state), count(2), count(0), count(1),
        Number(bands ? std::round(adherence * 10) / 10 : adherence),
        Number(bands ? RoundSignificant(dose, 2) : dose), count(3), count(4)};
    for (const MeasureInfo& m : analytics::AllMeasures()) {
      const v1::MeasureProgress* mp = nullptr;
      for (const v1::MeasureProgress& candidate : p.measures()) {
        if (static_cast<int>(candidate.instrument()) == static_cast<int>(m.measure)) mp = &candidate;
      }
      auto week = [&](int w) -> std::optional<double> {
        if (mp == nullptr) return std::nullopt;
        for (const v1::WeekSummary& s : mp->weeks()) {
          if (s.week() == w && s.has_median()) return s.median();
        }
        return std::nullopt;
      };
      if (mp == nullptr) {
        row.insert(row.end(), 7, "");
        continue;
      }
      row.push_back(Number(mp->has_baseline() ? std::optional(mp->baseline()) : std::nullopt));
      for (int w : {4, 8, 12}) row.push_back(Number(week(w)));
      row.push_back(Number(mp->has_change_points() ? std::optional(mp->change_points())
                                                   : std::nullopt));
      row.push_back(Number(mp->has_change_percent() ? std::optional(mp->change_percent())
                                                    : std::nullopt));
      row.push_back(Bool(mp->has_responder() ? std::optional(mp->responder()) : std::nullopt));
    }
    for (size_t i : {0, 1, 2, 3, 4}) row.push_back(bands ? CountBand(counts[i]) : std::string());
    return episodes_->Line(absl::StrJoin(row, ","));
  }

  // The hot path (a row per exported value, on the export's workers): the
  // episode's and the measure's fields are escaped once, the numbers
  // appended.
  void RenderObservations(const ExportedEpisode& e, const std::vector<ObservationValue>& values,
                          std::string* out) const override {
    const std::string episode_fields =
        absl::StrCat(Field(e.subject_id), ",", Field(e.episode_ref), ",");
    const bool weeks = coarsening_.days_as_weeks();
    for (const ObservationValue& o : values) {
      const int64_t day = EpisodeDay(o.offset_minutes);
      absl::StrAppend(out, episode_fields, measure_fields_.at(o.measure));
      if (!weeks) absl::StrAppend(out, day, ",", o.offset_minutes);
      absl::StrAppend(out, weeks ? ",," : ",");
      AppendNumber(o.value, out);
      absl::StrAppend(out, ",", o.source, ",", EpisodeWeek(day), ",", o.laterality, "\n");
    }
  }

  absl::Status WriteObservations(absl::string_view rendered, int64_t records) override {
    return observations_->Lines(rendered, records);
  }

  absl::StatusOr<std::vector<v1::ExportFile>> Finish() override {
    std::vector<v1::ExportFile> files;
    for (auto* sink : {&episodes_, &observations_, &dictionary_}) {
      ASSIGN_OR_RETURN(v1::ExportFile f, (*sink)->Close());
      files.push_back(std::move(f));
    }
    return files;
  }

 private:
  const v1::ExportCoarsening coarsening_;
  std::unique_ptr<FileSink> episodes_, observations_, dictionary_;
  // Each measure's "name,code,unit," (set by Open, read-only after).
  absl::flat_hash_map<const MeasureInfo*, std::string> measure_fields_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<DatasetWriter>> NewCsvWriter(
    const std::string& dir, const v1::ExportCoarsening& coarsening) {
  auto writer = std::make_unique<CsvWriter>(coarsening);
  RETURN_IF_ERROR(writer->Open(dir));
  return std::unique_ptr<DatasetWriter>(std::move(writer));
}

}  // namespace tractus::exports
