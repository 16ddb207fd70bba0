// CSV format (tractus-csv/2, exports/schema.h): episodes.csv, observations.csv,
// items.csv, sessions.csv, and what describes them — data_dictionary.csv,
// schema.sql, load_duckdb.sql, load_postgresql.sql. Rows follow the schema's
// columns; an absent value is an empty (NULL) field. With ExportCoarsening,
// counts go in *_band columns (and sessions.csv holds no rows) and times in
// weeks.
#include <cmath>
#include <optional>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/status_macros.h"
#include "exports/dataset.h"
#include "exports/episode_figures.h"
#include "exports/file_sink.h"
#include "exports/schema.h"
#include "exports/terminology.h"

namespace tractus::exports {
namespace {

using analytics::MeasureInfo;

// Values here are codes and numbers, but quoting keeps the file well
// formed whatever comes.
std::string Field(absl::string_view s) { return CsvField(s); }

// Whole numbers (nearly every score and count) print as their digits
// without the formatter; others with 6 significant digits.
void AppendNumber(double v, std::string* out) {
  if (v == std::trunc(v) && std::abs(v) < 1e15) {
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

class CsvWriter final : public DatasetWriter {
 public:
  CsvWriter(const v1::ExportCoarsening& coarsening, absl::string_view fhir_base)
      : coarsening_(coarsening), tables_(CsvTables(fhir_base)) {}

  absl::Status Open(const std::string& dir) {
    for (const MeasureInfo& m : analytics::AllMeasures()) {
      measure_fields_[&m] = absl::StrCat(std::string(m.name), ",",
                                         std::string(m.loinc.empty() ? m.local_code : m.loinc), ",",
                                         Field(std::string(m.ucum_unit)), ",");
    }
    for (const Table& t : tables_) {
      std::vector<std::string> names;
      for (const Column& c : t.columns) names.push_back(c.name);
      ASSIGN_OR_RETURN(std::unique_ptr<FileSink> sink, FileSink::Create(dir, t.file, t.name));
      RETURN_IF_ERROR(sink->Line(absl::StrJoin(names, ","), /*header=*/true));
      sinks_.push_back(std::move(sink));
    }
    // What describes the tables, written whole now (the dictionary counts
    // a record per column).
    int64_t columns = 0;
    for (const Table& t : tables_) columns += static_cast<int64_t>(t.columns.size());
    for (const auto& [file, content, text, records] :
         {std::tuple{"data_dictionary.csv", "data_dictionary", DataDictionaryCsv(tables_), columns},
          std::tuple{"schema.sql", "schema", SchemaSql(tables_), int64_t{0}},
          std::tuple{"load_duckdb.sql", "load_duckdb", LoadDuckDbSql(tables_), int64_t{0}},
          std::tuple{"load_postgresql.sql", "load_postgresql", LoadPostgresSql(tables_),
                     int64_t{0}}}) {
      ASSIGN_OR_RETURN(std::unique_ptr<FileSink> sink, FileSink::Create(dir, file, content));
      RETURN_IF_ERROR(sink->Lines(text, records));
      descriptions_.push_back(std::move(sink));
    }
    return absl::OkStatus();
  }

  void Render(const ExportedEpisode& e, const std::vector<ObservationValue>& values,
              const std::vector<SessionValue>& sessions, RenderedEpisode* out) const override {
    out->parts.resize(kParts);
    RenderEpisode(e, &out->parts[kEpisodes]);
    RenderObservations(e, values, &out->parts[kObservations], &out->parts[kItems]);
    if (!coarsening_.count_bands()) RenderSessions(e, sessions, &out->parts[kSessions]);
  }

  absl::Status Write(const ExportedEpisode&, const RenderedEpisode& r) override {
    for (size_t i = 0; i < kParts; ++i) {
      RETURN_IF_ERROR(sinks_[i]->Lines(r.parts[i].text, r.parts[i].records));
    }
    return absl::OkStatus();
  }

  absl::StatusOr<std::vector<v1::ExportFile>> Finish() override {
    std::vector<v1::ExportFile> files;
    for (auto* group : {&sinks_, &descriptions_}) {
      for (std::unique_ptr<FileSink>& sink : *group) {
        ASSIGN_OR_RETURN(v1::ExportFile f, sink->Close());
        files.push_back(std::move(f));
      }
    }
    return files;
  }

 private:
  void RenderEpisode(const ExportedEpisode& e, RenderedEpisode::Part* out) const {
    std::vector<std::string> row = {Field(e.subject_id),
                                    Field(e.episode_ref),
                                    Field(e.qi.age_band),
                                    Field(e.qi.sex),
                                    Field(e.qi.zip3),
                                    Field(e.qi.condition),
                                    Field(std::string(CodingOfCondition(e.qi.condition).snomed)),
                                    Field(absl::StrJoin(e.other_conditions, ";")),
                                    Field(e.state)};
    for (const Figure& f : EpisodeFigures(e, coarsening_)) {
      row.push_back(f.flag.has_value() ? Bool(f.flag) : f.band.empty() ? Number(f.number) : f.band);
    }
    absl::StrAppend(&out->text, absl::StrJoin(row, ","), "\n");
    out->records = 1;
  }

  // The hot path (a row per exported value, on the export's workers): the
  // episode's and the measure's fields are escaped once, the numbers
  // appended.
  void RenderObservations(const ExportedEpisode& e, const std::vector<ObservationValue>& values,
                          RenderedEpisode::Part* out, RenderedEpisode::Part* items) const {
    const std::string episode_fields =
        absl::StrCat(Field(e.subject_id), ",", Field(e.episode_ref), ",");
    const bool weeks = coarsening_.days_as_weeks();
    std::string& text = out->text;
    for (size_t i = 0; i < values.size(); ++i) {
      const ObservationValue& o = values[i];
      const int64_t day = EpisodeDay(o.offset_minutes);
      const int64_t number = static_cast<int64_t>(i) + 1;
      absl::StrAppend(&text, episode_fields, measure_fields_.at(o.measure));
      if (!weeks) absl::StrAppend(&text, day, ",", o.offset_minutes);
      absl::StrAppend(&text, weeks ? ",," : ",");
      AppendNumber(o.value, &text);
      absl::StrAppend(&text, ",", o.source, ",", EpisodeWeek(day), ",", o.laterality, ",", number,
                      ",");
      const v1::Observation* record = o.record;
      if (record != nullptr && record->answers_case() != v1::Observation::ANSWERS_NOT_SET) {
        absl::StrAppend(&text, record->items_answered());
        const std::string item_prefix =
            absl::StrCat(episode_fields, number, ",", std::string(o.measure->name), ",");
        ForEachAnswerItem(*record, [&](const AnswerItem& item) {
          absl::StrAppend(&items->text, item_prefix, item.code, ",", item.number, ",", item.value,
                          "\n");
          ++items->records;
        });
      }
      absl::StrAppend(&text, ",");
      if (record != nullptr && record->has_t_score()) {
        AppendNumber(record->t_score(), &text);
        absl::StrAppend(&text, ",", Field(record->t_score_table()));
      } else {
        absl::StrAppend(&text, ",");
      }
      absl::StrAppend(&text, "\n");
    }
    out->records = static_cast<int64_t>(values.size());
  }

  void RenderSessions(const ExportedEpisode& e, const std::vector<SessionValue>& sessions,
                      RenderedEpisode::Part* out) const {
    const bool weeks = coarsening_.days_as_weeks();
    for (size_t i = 0; i < sessions.size(); ++i) {
      const v1::Session& s = *sessions[i].session;
      const v1::TractionProtocol& p = s.protocol();
      const v1::SessionSummary& sum = s.summary();
      const int64_t day = EpisodeDay(sessions[i].offset_minutes);
      std::vector<std::string> row = {
          absl::StrCat(e.episode_ref, "-s", i + 1),
          Field(e.subject_id),
          Field(e.episode_ref),
          absl::StrCat(i + 1),
          weeks ? "" : absl::StrCat(day),
          weeks ? "" : absl::StrCat(sessions[i].offset_minutes),
          absl::StrCat(EpisodeWeek(day)),
          s.outcome() == v1::SESSION_OUTCOME_ABORTED ? "aborted" : "completed",
          TractionModeName(p.mode()),
          Number(p.max_force_newtons()),
          Number(p.min_force_newtons()),
          absl::StrCat(p.hold_seconds()),
          absl::StrCat(p.relax_seconds()),
          Number(p.angle_degrees()),
          absl::StrCat(p.planned_minutes()),
          Number(DurationSeconds(sum.duration())),
          Number(DurationSeconds(sum.time_at_target())),
          Number(sum.peak_force_newtons()),
          Number(sum.mean_force_newtons()),
          absl::StrCat(sum.hold_cycles()),
          absl::StrCat(sum.patient_stops()),
          absl::StrCat(sum.overshoots()),
          Number(sum.traction_dose_newton_seconds()),
          s.has_pre_session_pain() ? absl::StrCat(s.pre_session_pain()) : "",
          s.has_post_session_pain() ? absl::StrCat(s.post_session_pain()) : ""};
      absl::StrAppend(&out->text, absl::StrJoin(row, ","), "\n");
    }
    out->records = static_cast<int64_t>(sessions.size());
  }

  // The parts of a rendered episode: the tables, in CsvTables order.
  enum PartIndex : size_t { kEpisodes, kObservations, kItems, kSessions, kParts };

  const v1::ExportCoarsening coarsening_;
  const std::vector<Table> tables_;
  // One per table, in tables_ order (episodes, observations, items, sessions).
  std::vector<std::unique_ptr<FileSink>> sinks_;
  std::vector<std::unique_ptr<FileSink>> descriptions_;
  // Each measure's "name,code,unit," (set by Open, read-only after).
  absl::flat_hash_map<const MeasureInfo*, std::string> measure_fields_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<DatasetWriter>> NewCsvWriter(const std::string& dir,
                                                            const v1::ExportCoarsening& coarsening,
                                                            absl::string_view fhir_base) {
  auto writer = std::make_unique<CsvWriter>(coarsening, fhir_base);
  RETURN_IF_ERROR(writer->Open(dir));
  return std::unique_ptr<DatasetWriter>(std::move(writer));
}

}  // namespace tractus::exports
