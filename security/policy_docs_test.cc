// The README's list of RPCs that need a client deadline is the policy
// table's: outside clients are written from the docs.
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "gtest/gtest.h"
#include "security/policy.h"

namespace tractus::security {
namespace {

// The `Service/Method` names in the README paragraph that starts with
// "RPCs that need a client deadline".
std::set<std::string> DocumentedDeadlineRpcs() {
  std::ifstream in(TRACTUS_README_PATH);
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

TEST(PolicyDocsTest, TheReadmeListsExactlyTheRpcsThatNeedADeadline) {
  std::set<std::string> needed;
  for (const Rule& rule : Rules()) {
    if (!rule.needs_deadline) continue;
    std::string method(rule.method);
    needed.insert(method.substr(method.find('.', method.find('.') + 1) + 1));  // drop "tractus.v1."
  }
  EXPECT_FALSE(needed.empty());
  EXPECT_EQ(DocumentedDeadlineRpcs(), needed);
}

}  // namespace
}  // namespace tractus::security
