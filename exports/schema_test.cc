// The release's describing files agree with the schema, and docs/exports.md
// lists every column as the schema defines it.
#include "exports/schema.h"

#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "exports/terminology.h"
#include "gtest/gtest.h"

namespace tractus::exports {
namespace {

TEST(SchemaTest, EveryColumnHasATypeADefinitionAndAUniqueName) {
  for (const Table& t : CsvTables(kDefaultFhirBase)) {
    std::set<std::string> names;
    for (const Column& c : t.columns) {
      EXPECT_TRUE(names.insert(c.name).second) << t.file << " " << c.name;
      EXPECT_FALSE(c.definition.empty()) << t.file << " " << c.name;
      // Quantities carry a UCUM unit; codes and flags none.
      if (c.type == SqlType::kBoolean) {
        EXPECT_TRUE(c.unit.empty()) << c.name;
      }
    }
  }
  // Weekly figures say their days; the dose is in newton-seconds.
  const Table episodes = CsvTable(kDefaultFhirBase, "episodes.csv");
  bool week4 = false, dose = false;
  for (const Column& c : episodes.columns) {
    if (c.name == "nprs_week4")
      week4 = c.definition.find("episode days 28-34") != std::string::npos;
    if (c.name == "traction_dose_ns") dose = c.unit == "N.s";
  }
  EXPECT_TRUE(week4);
  EXPECT_TRUE(dose);
}

TEST(SchemaTest, SchemaSqlCreatesEveryTableWithItsTypesInOrder) {
  const std::vector<Table> tables = CsvTables(kDefaultFhirBase);
  const std::string sql = SchemaSql(tables);
  for (const Table& t : tables) {
    std::string create = absl::StrCat("CREATE TABLE \"", t.name, "\" (\n");
    for (size_t i = 0; i < t.columns.size(); ++i) {
      absl::StrAppend(&create, "  \"", t.columns[i].name, "\" ", SqlTypeName(t.columns[i].type),
                      i + 1 < t.columns.size() ? ",\n" : "\n");
    }
    EXPECT_NE(sql.find(create + ");"), std::string::npos) << t.name;
    EXPECT_NE(LoadDuckDbSql(tables).find(absl::StrCat("COPY \"", t.name, "\" FROM '", t.file)),
              std::string::npos);
    EXPECT_NE(LoadPostgresSql(tables).find(absl::StrCat("\\copy \"", t.name, "\" FROM '", t.file)),
              std::string::npos);
  }
  // A dictionary row per column, plus the header.
  size_t columns = 0;
  for (const Table& t : tables) columns += t.columns.size();
  const std::vector<std::string> lines =
      absl::StrSplit(DataDictionaryCsv(tables), '\n', absl::SkipEmpty());
  EXPECT_EQ(lines.size(), columns + 1);
}

// docs/exports.md holds ColumnsMarkdown between its markers. When they
// differ, the expected text is written beside the test binary to paste in.
TEST(SchemaTest, TheExportsPageListsEveryColumnAsTheSchemaDefinesIt) {
  std::ifstream in(TRACTUS_EXPORTS_DOC_PATH);
  std::stringstream text;
  text << in.rdbuf();
  const std::string doc = text.str();
  const std::string begin = "<!-- columns: generated from exports/schema.cc -->\n";
  const std::string end = "<!-- end of columns -->";
  const size_t from = doc.find(begin), to = doc.find(end);
  ASSERT_NE(from, std::string::npos);
  ASSERT_NE(to, std::string::npos);
  const std::string documented = doc.substr(from + begin.size(), to - from - begin.size());
  const std::string expected = ColumnsMarkdown(CsvTables(kDefaultFhirBase));
  if (documented != expected) {
    std::ofstream("exports_columns.md") << expected;
    ADD_FAILURE() << "docs/exports.md's columns differ from the schema: paste "
                     "exports_columns.md (beside this test binary) between the markers";
  }
}

}  // namespace
}  // namespace tractus::exports
