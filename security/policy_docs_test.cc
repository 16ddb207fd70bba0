// The docs' lists of RPCs that need a client deadline are the policy
// table's: outside clients are written from the docs.
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "gtest/gtest.h"
#include "security/policy.h"

namespace tractus::security {
namespace {

// The `Service/Method` names in the paragraph of the document at `path`
// that starts with "RPCs that need a client deadline".
std::set<std::string> DocumentedDeadlineRpcs(const char* path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  const std::string readme = text.str();
  const size_t start = readme.find("RPCs that need a client deadline");
  EXPECT_NE(start, std::string::npos);
  const size_t end = readme.find("\n\n", start);
  const std::string paragraph = readme.substr(start, end - start);
  std::set<std::string> names;
  for (size_t at = paragraph.find('`'); at != std::string::npos;) {
    const size_t close = paragraph.find('`', at + 1);
    if (close == std::string::npos) break;
    const std::string name = paragraph.substr(at + 1, close - at - 1);
    if (name.find("Service/") != std::string::npos) names.insert(name);
    at = paragraph.find('`', close + 1);
  }
  return names;
}

// "Service/Method" of every RPC the policy table says needs a deadline,
// of services whose name starts with `service` (all for "").
std::set<std::string> NeedADeadline(const std::string& service) {
  std::set<std::string> needed;
  for (const Rule& rule : Rules()) {
    if (!rule.needs_deadline) continue;
    std::string method(rule.method);
    method = method.substr(method.find('.', method.find('.') + 1) + 1);  // drop "tractus.v1."
    if (method.rfind(service, 0) == 0) needed.insert(method);
  }
  return needed;
}

TEST(PolicyDocsTest, TheReadmeListsExactlyTheRpcsThatNeedADeadline) {
  EXPECT_FALSE(NeedADeadline("").empty());
  EXPECT_EQ(DocumentedDeadlineRpcs(TRACTUS_README_PATH), NeedADeadline(""));
}

TEST(PolicyDocsTest, TheExportsPageListsExactlyTheExportRpcsThatNeedADeadline) {
  EXPECT_FALSE(NeedADeadline("ExportService/").empty());
  EXPECT_EQ(DocumentedDeadlineRpcs(TRACTUS_EXPORTS_DOC_PATH), NeedADeadline("ExportService/"));
}

}  // namespace
}  // namespace tractus::security
