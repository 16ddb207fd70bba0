// The CSV release's schema, one source for everything that describes it:
// every file's columns with a fixed SQL type, UCUM unit, definition and
// code; the data dictionary, schema.sql (CREATE TABLE, portable to DuckDB
// and PostgreSQL), the two load scripts and the docs' column tables are all
// generated from it. A column is always present and always of its type: an
// empty field is NULL of that type. Changing a column means a new format
// version. Pure.
#ifndef TRACTUS_EXPORTS_SCHEMA_H_
#define TRACTUS_EXPORTS_SCHEMA_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace tractus::exports {

// The formats' versions, written in every manifest (format_version).
inline constexpr absl::string_view kCsvFormatVersion = "tractus-csv/2";
inline constexpr absl::string_view kFhirFormatVersion = "tractus-fhir-r4/2";

enum class SqlType { kText, kInteger, kDouble, kBoolean };

// "TEXT", "INTEGER", "DOUBLE PRECISION", "BOOLEAN" (the same in DuckDB and
// PostgreSQL).
absl::string_view SqlTypeName(SqlType type);

struct Column {
  std::string name;
  SqlType type = SqlType::kText;
  std::string unit;         // UCUM; empty for text, booleans and pure numbers
  std::string definition;   // with exact day ranges for anything weekly
  std::string code_system;  // of `code`, or of the column's values
  std::string code;         // the measure's code where the column is one measure's
  // An episode-level figure: in FHIR an Observation coded `name` in the
  // outcome code system.
  bool outcome = false;
};

struct Table {
  std::string file;  // "episodes.csv"
  std::string name;  // SQL table name, "episodes"
  std::string definition;
  std::vector<Column> columns;
};

// The CSV release's tables (episodes, observations, items, sessions) with
// local code systems under `fhir_base`.
std::vector<Table> CsvTables(absl::string_view fhir_base);
// The table of `file`; aborts for an unknown name (a programming error).
Table CsvTable(absl::string_view fhir_base, absl::string_view file);

// `s` as one RFC 4180 field: quoted (quotes doubled) when it holds a comma,
// quote or line break; else as is.
std::string CsvField(absl::string_view s);

// The files that describe a release, complete texts.
std::string DataDictionaryCsv(const std::vector<Table>& tables);
std::string SchemaSql(const std::vector<Table>& tables);
// DuckDB: run in the release folder (`duckdb study.db < load_duckdb.sql`).
std::string LoadDuckDbSql(const std::vector<Table>& tables);
// PostgreSQL: run with psql in the release folder (`psql -f load_postgresql.sql`).
std::string LoadPostgresSql(const std::vector<Table>& tables);
// Markdown tables of every column (docs/exports.md holds this text).
std::string ColumnsMarkdown(const std::vector<Table>& tables);

}  // namespace tractus::exports

#endif  // TRACTUS_EXPORTS_SCHEMA_H_
