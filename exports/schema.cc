#include "exports/schema.h"

#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "analytics/instruments.h"
#include "exports/terminology.h"

namespace tractus::exports {
namespace {

using T = SqlType;

std::string System(absl::string_view base, absl::string_view name) {
  return absl::StrCat(base, "/CodeSystem/", name);
}

std::vector<Column> EpisodeColumns(absl::string_view base) {
  const std::string conditions = System(base, kConditionCodes);
  std::vector<Column> c = {
      {"subject_id", T::kText, "",
       "pseudonymous patient id: random per export, or the same in every export made with one "
       "linkage key",
       "", ""},
      {"episode_ref", T::kText, "",
       "pseudonymous episode id (the same in every file of this release)", "", ""},
      {"age_band", T::kText, "a",
       "age at episode day 0 in 5-year bands (\"50-54\"); \"90+\" for everyone 90 or older", "",
       ""},
      {"sex", T::kText, "", "female, male, other or unknown (FHIR administrative gender)", "", ""},
      {"zip3", T::kText, "",
       "first three ZIP digits; \"000\" for the restricted prefixes (zip3_list_version in the "
       "manifest)",
       "", ""},
      {"condition", T::kText, "", "primary condition treated (a code of the condition code system)",
       conditions, ""},
      {"condition_snomed", T::kText, "",
       "SNOMED CT concept of the primary condition; NULL where none was verified (docs/exports.md)",
       std::string(kSnomedSystem), ""},
      {"other_conditions", T::kText, "",
       "further conditions, codes of the condition code system separated by ';'; NULL when none",
       conditions, ""},
      {"state", T::kText, "", "open, completed, discontinued, lost_to_follow_up or closed", "", ""},
      {"days_observed", T::kInteger, "d",
       "episode day of the latest value or session (0 = day 0), at most 84; every figure of the "
       "row is as of the end of that day, never the export date; NULL with count bands",
       "", ""},
      {"sessions_planned", T::kInteger, "{session}",
       "traction sessions in the plan; NULL with count bands", "", "", true},
      {"sessions_done", T::kInteger, "{session}",
       "finalized traction sessions uploaded by the tables; NULL with count bands", "", "", true},
      {"adherence", T::kDouble, "1",
       "sessions done / sessions planned (0..1; one decimal with count bands)", "", "", true},
      {"traction_dose_ns", T::kDouble, "N.s",
       "cumulative traction dose: integral of measured force over time, newton-seconds, over all "
       "sessions (2 significant digits with count bands)",
       "", "", true},
      {"patient_stops", T::kInteger, "{event}",
       "patient stop-switch presses over all sessions; NULL with count bands", "", "", true},
      {"overshoots", T::kInteger, "{event}",
       "force overshoot events over all sessions; NULL with count bands", "", "", true},
  };
  for (const analytics::MeasureInfo& m : analytics::AllMeasures()) {
    const bool loinc = !m.loinc.empty();
    const std::string system =
        loinc ? std::string(analytics::kLoincSystem) : System(base, kMeasureCodes);
    const std::string code(loinc ? m.loinc : m.local_code);
    const std::string unit(m.ucum_unit);
    const std::string name(m.name), display(m.display_name);
    c.push_back(
        {name + "_baseline", T::kDouble, unit,
         display +
             ": pre-treatment baseline, the last value of episode days -14..0 before the first "
             "traction session starts, else the first value of days 0-6 (docs/outcomes.md)",
         system, code, true});
    for (int w : {4, 8, 12}) {
      c.push_back({absl::StrCat(name, "_week", w), T::kDouble, unit,
                   absl::StrCat(display, ": median of the values of week ", w, " (episode days ",
                                7 * w, "-", 7 * w + 6, ")"),
                   system, code, true});
    }
    c.push_back({name + "_change", T::kDouble, unit,
                 display + ": latest value (as of days_observed) minus baseline", system, code,
                 true});
    c.push_back({name + "_change_pct", T::kDouble, "%",
                 display + ": change as a percentage of baseline (NULL when baseline is 0)", system,
                 code, true});
    c.push_back({name + "_responder", T::kBoolean, "",
                 display + ": improved by at least the instrument's MCID rule (docs/outcomes.md); "
                           "NULL where the instrument has none or no baseline",
                 system, code, true});
  }
  for (const char* count :
       {"sessions_planned", "sessions_done", "days_observed", "patient_stops", "overshoots"}) {
    c.push_back({absl::StrCat(count, "_band"), T::kText, "",
                 absl::StrCat(count,
                              " in a band (0, 1-4, 5-9, ..., 35-39, 40+) when the export "
                              "asked for count bands; else NULL"),
                 "", ""});
  }
  return c;
}

std::vector<Column> ObservationColumns(absl::string_view base) {
  return {
      {"subject_id", T::kText, "", "pseudonymous patient id (episodes.csv)", "", ""},
      {"episode_ref", T::kText, "", "pseudonymous episode id (episodes.csv)", "", ""},
      {"measure", T::kText, "",
       "measure name, e.g. nprs, odi, straight_leg_raise (the prefixes of episodes.csv's measure "
       "columns)",
       "", ""},
      {"code", T::kText, "",
       absl::StrCat("LOINC code of the measure, or its code in ", System(base, kMeasureCodes)),
       std::string(analytics::kLoincSystem), ""},
      {"unit", T::kText, "", "UCUM unit of value", "http://unitsofmeasure.org", ""},
      {"day", T::kInteger, "d",
       "episode day (0 = day 0, the episode's start in clinic time; negative: before it); NULL "
       "when the export asked for weeks",
       "", ""},
      {"offset_minutes", T::kInteger, "min",
       "minutes from 00:00 clinic time of episode day 0; NULL when the export asked for weeks", "",
       ""},
      {"value", T::kDouble, "",
       "the score or measured value, in unit (questionnaires: the score computed from the items in "
       "items.csv)",
       "", ""},
      {"source", T::kText, "",
       "home (patient report), clinic (clinician) or device (a table's console)", "", ""},
      {"week", T::kInteger, "wk",
       "episode week: 0 = days 0-6, 1 = days 7-13, ...; negative before day 0", "", ""},
      {"laterality", T::kText, "",
       "left or right for the straight leg raise; NULL for every other measure", "", ""},
      {"observation_number", T::kInteger, "",
       "this value's number in its episode (1-based; with episode_ref it names the value: "
       "items.csv refers to it, FHIR Observation ids are episode_ref-number)",
       "", ""},
      {"items_answered", T::kInteger, "{item}",
       "questionnaires: how many items were answered; NULL for other measures", "", ""},
      {"t_score", T::kDouble, "{T-score}",
       "PROMIS Pain Interference 6a: T-score, only where a citable conversion table is installed; "
       "else NULL",
       "", ""},
      {"t_score_table", T::kText, "",
       "version of the conversion table t_score came from; NULL without one", "", ""},
  };
}

std::vector<Column> ItemColumns(absl::string_view base) {
  return {
      {"subject_id", T::kText, "", "pseudonymous patient id", "", ""},
      {"episode_ref", T::kText, "", "pseudonymous episode id", "", ""},
      {"observation_number", T::kInteger, "",
       "the questionnaire's row in observations.csv (with episode_ref)", "", ""},
      {"measure", T::kText, "", "odi, rmdq, promis_pi_6a or psfs", "", ""},
      {"item", T::kText, "",
       "the item's code: odi.<section> (pain_intensity, personal_care, lifting, walking, sitting, "
       "standing, sleeping, sex_life, social_life, travelling), rmdq.1-24, promis_pi_6a.1-6, "
       "psfs.1-5",
       System(base, kItemCodes), ""},
      {"item_number", T::kInteger, "", "the item's place in the form (1-based)", "", ""},
      {"value", T::kInteger, "{score}",
       "the answer: ODI section 0..5; RMDQ 1 = yes, 0 = no; PROMIS 1..5; PSFS 0..10 (the "
       "activity's name is free text and never exported). Unanswered items have no row",
       "", ""},
  };
}

std::vector<Column> SessionColumns(absl::string_view base) {
  return {
      {"session_ref", T::kText, "", "this session's id: episode_ref, '-s', session_number", "", ""},
      {"subject_id", T::kText, "", "pseudonymous patient id", "", ""},
      {"episode_ref", T::kText, "", "pseudonymous episode id", "", ""},
      {"session_number", T::kInteger, "",
       "the session's place in the episode, by start time (1-based)", "", ""},
      {"day", T::kInteger, "d",
       "episode day the session started (table clock corrected at upload); NULL when the export "
       "asked for weeks",
       "", ""},
      {"offset_minutes", T::kInteger, "min",
       "minutes from 00:00 clinic time of episode day 0 to the start; NULL when the export asked "
       "for weeks",
       "", ""},
      {"week", T::kInteger, "wk", "episode week of the start: 0 = days 0-6, 1 = days 7-13, ...", "",
       ""},
      {"outcome", T::kText, "",
       "completed or aborted (the abort reason is free text, never exported)",
       System(base, kProcedureCodes), ""},
      {"mode", T::kText, "", "static, intermittent or cyclic", "", ""},
      {"max_force_n", T::kDouble, "N", "protocol: maximum (target) force", "", ""},
      {"min_force_n", T::kDouble, "N", "protocol: minimum force (equal to max for static)", "", ""},
      {"hold_s", T::kInteger, "s",
       "protocol: seconds at maximum force per cycle (intermittent, cyclic)", "", ""},
      {"relax_s", T::kInteger, "s",
       "protocol: seconds at minimum force per cycle (intermittent, cyclic)", "", ""},
      {"angle_deg", T::kDouble, "deg", "protocol: table or pull angle", "", ""},
      {"planned_minutes", T::kInteger, "min", "protocol: planned duration", "", ""},
      {"duration_s", T::kDouble, "s", "from the first to the last telemetry sample", "", ""},
      {"time_at_target_s", T::kDouble, "s",
       "time with measured force at or above 90 % of the target", "", ""},
      {"peak_force_n", T::kDouble, "N", "highest measured force", "", ""},
      {"mean_force_n", T::kDouble, "N", "mean measured force", "", ""},
      {"hold_cycles", T::kInteger, "{cycle}",
       "rises of the target force from the lower into the upper half of the protocol's range", "",
       ""},
      {"patient_stops", T::kInteger, "{event}", "patient stop events and stop-flag onsets", "", ""},
      {"overshoots", T::kInteger, "{event}",
       "runs of samples with force above 110 % of target or above the protocol maximum", "", ""},
      {"traction_dose_ns", T::kDouble, "N.s", "integral of measured force over time", "", ""},
      {"pre_session_pain", T::kInteger, "{score}",
       "NPRS 0-10 typed at the table's console before the session; NULL if not given", "", ""},
      {"post_session_pain", T::kInteger, "{score}",
       "NPRS 0-10 typed at the console after the session; NULL if not given", "", ""},
  };
}

// A SQL identifier, quoted (valid in DuckDB and PostgreSQL alike).
std::string Ident(absl::string_view name) { return absl::StrCat("\"", name, "\""); }

}  // namespace

std::string CsvField(absl::string_view s) {
  if (s.find_first_of(",\"\n\r") == absl::string_view::npos) return std::string(s);
  return absl::StrCat("\"", absl::StrReplaceAll(s, {{"\"", "\"\""}}), "\"");
}

absl::string_view SqlTypeName(SqlType type) {
  switch (type) {
    case SqlType::kText:
      return "TEXT";
    case SqlType::kInteger:
      return "INTEGER";
    case SqlType::kDouble:
      return "DOUBLE PRECISION";
    case SqlType::kBoolean:
      return "BOOLEAN";
  }
  return "TEXT";
}

std::vector<Table> CsvTables(absl::string_view fhir_base) {
  return {
      {"episodes.csv", "episodes",
       "one row per exported episode: quasi-identifiers, the course, and per measure its "
       "12-week outcome",
       EpisodeColumns(fhir_base)},
      {"observations.csv", "observations", "one row per measured value",
       ObservationColumns(fhir_base)},
      {"items.csv", "items", "one row per answered questionnaire item", ItemColumns(fhir_base)},
      {"sessions.csv", "sessions",
       "one row per finalized traction session; no rows when the export asked for count bands "
       "(the rows would give the exact count)",
       SessionColumns(fhir_base)},
  };
}

Table CsvTable(absl::string_view fhir_base, absl::string_view file) {
  for (Table& t : CsvTables(fhir_base)) {
    if (t.file == file) return std::move(t);
  }
  std::abort();
}

std::string DataDictionaryCsv(const std::vector<Table>& tables) {
  std::string out = "file,column,type,unit,definition,code_system,code\n";
  for (const Table& t : tables) {
    for (const Column& c : t.columns) {
      absl::StrAppend(
          &out,
          absl::StrJoin(
              {CsvField(t.file), CsvField(c.name), std::string(SqlTypeName(c.type)),
               CsvField(c.unit), CsvField(c.definition), CsvField(c.code_system), CsvField(c.code)},
              ","),
          "\n");
    }
  }
  return out;
}

std::string SchemaSql(const std::vector<Table>& tables) {
  std::string out = absl::StrCat(
      "-- Tractus anonymized outcome export, format ", kCsvFormatVersion,
      ": the tables of the CSV files in this folder,\n-- every column always present with this "
      "type (an empty field is NULL). Portable to DuckDB and PostgreSQL.\n"
      "-- Load: load_duckdb.sql or load_postgresql.sql; definitions: data_dictionary.csv.\n");
  for (const Table& t : tables) {
    absl::StrAppend(&out, "\n-- ", t.file, ": ", t.definition, "\nCREATE TABLE ", Ident(t.name),
                    " (\n");
    for (size_t i = 0; i < t.columns.size(); ++i) {
      absl::StrAppend(&out, "  ", Ident(t.columns[i].name), " ", SqlTypeName(t.columns[i].type),
                      i + 1 < t.columns.size() ? ",\n" : "\n");
    }
    absl::StrAppend(&out, ");\n");
  }
  return out;
}

std::string LoadDuckDbSql(const std::vector<Table>& tables) {
  // DuckDB runs no includes from SQL: the schema is repeated here.
  std::string out = absl::StrCat(
      "-- Loads this release into DuckDB with the stated types. Run in the release folder:\n"
      "--   duckdb study.db < load_duckdb.sql\n",
      SchemaSql(tables), "\n");
  for (const Table& t : tables) {
    absl::StrAppend(&out, "COPY ", Ident(t.name), " FROM '", t.file,
                    "' (FORMAT csv, HEADER true, DELIMITER ',', QUOTE '\"', NULL '');\n");
  }
  return out;
}

std::string LoadPostgresSql(const std::vector<Table>& tables) {
  std::string out =
      "-- Loads this release into PostgreSQL with the stated types. Run with psql in the\n"
      "-- release folder:  psql -v ON_ERROR_STOP=1 -f load_postgresql.sql DBNAME\n"
      "\\set ON_ERROR_STOP on\n"
      "\\ir schema.sql\n";
  for (const Table& t : tables) {
    absl::StrAppend(&out, "\\copy ", Ident(t.name), " FROM '", t.file,
                    "' WITH (FORMAT csv, HEADER true)\n");
  }
  return out;
}

std::string ColumnsMarkdown(const std::vector<Table>& tables) {
  std::string out;
  for (const Table& t : tables) {
    absl::StrAppend(&out, "### ", t.file, "\n\n", t.definition,
                    ".\n\n| column | type | unit | definition | code |\n|---|---|---|---|---|\n");
    for (const Column& c : t.columns) {
      std::string code = c.code.empty() ? c.code_system : absl::StrCat(c.code_system, " ", c.code);
      absl::StrAppend(&out, "| `", c.name, "` | ", SqlTypeName(c.type), " | ",
                      c.unit.empty() ? "" : absl::StrCat("`", c.unit, "`"), " | ",
                      absl::StrReplaceAll(c.definition, {{"|", "\\|"}}), " | ", code, " |\n");
    }
    absl::StrAppend(&out, "\n");
  }
  return out;
}

}  // namespace tractus::exports
