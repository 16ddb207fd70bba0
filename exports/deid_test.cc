#include "exports/deid.h"

#include <set>

#include "absl/strings/escaping.h"
#include "common/secrets.h"
#include "gtest/gtest.h"

namespace tractus::exports {
namespace {

TEST(DeidTest, Zip3KeepsThreeDigitsAndBlanksRestrictedPrefixes) {
  EXPECT_EQ(Zip3("60614"), "606");
  EXPECT_EQ(Zip3("60614-1234"), "606");
  for (const char* restricted : {"03601", "05901", "06390", "10201", "20301", "55601", "69201",
                                 "79001", "82101", "82301", "83001", "83101", "87801", "87901",
                                 "88401", "89001", "89301"}) {
    EXPECT_EQ(Zip3(restricted), "000") << restricted;
  }
  for (const char* junk : {"", "606", "6061A", "ABCDE"}) EXPECT_EQ(Zip3(junk), "000") << junk;
  EXPECT_FALSE(Zip3ListVersion().empty());
}

TEST(DeidTest, AgeBands) {
  const absl::CivilDay day(2026, 11, 2);
  EXPECT_EQ(AgeBand(absl::CivilDay(1976, 11, 2), day), "50-54");  // 50 today
  EXPECT_EQ(AgeBand(absl::CivilDay(1976, 11, 3), day), "45-49");  // 49 until tomorrow
  EXPECT_EQ(AgeBand(absl::CivilDay(1937, 1, 1), day), "85-89");   // 89
  EXPECT_EQ(AgeBand(absl::CivilDay(1936, 11, 2), day), "90+");    // 90
  EXPECT_EQ(AgeBand(absl::CivilDay(1920, 5, 5), day), "90+");     // 106
  EXPECT_EQ(AgeBand(absl::CivilDay(2027, 1, 1), day), "unknown");
}

TEST(DeidTest, SubjectIdsAreKeyedStableAndUnlinkable) {
  const std::string key_a(32, 'a'), key_b(32, 'b');
  Pseudonyms a(key_a), b(key_b), a_again(key_a);
  const std::string id = a.SubjectId("pt_0123456789abcdef0123456789abcdef");
  EXPECT_EQ(id, a.SubjectId("pt_0123456789abcdef0123456789abcdef"));
  EXPECT_EQ(id, a_again.SubjectId("pt_0123456789abcdef0123456789abcdef"));
  EXPECT_NE(id, b.SubjectId("pt_0123456789abcdef0123456789abcdef"));
  EXPECT_NE(id, a.SubjectId("pt_0123456789abcdef0123456789abcdee"));
  EXPECT_EQ(id.size(), 21u);
  EXPECT_EQ(id.find("0123456789abcdef"), std::string::npos);
  EXPECT_NE(a.EpisodeRef("x"), a.SubjectId("x").replace(0, 1, "E"));
}

TEST(DeidTest, PseudonymsAreTheDocumentedHmacs) {
  // Exports made under one linkage key link across releases: the
  // derivation is fixed.
  const std::string key(32, 'k');
  Pseudonyms p(key);
  EXPECT_EQ(p.SubjectId("pt_1"),
            "S" + absl::BytesToHexString(HmacSha256(key, "patient:pt_1")).substr(0, 20));
  EXPECT_EQ(p.EpisodeRef("ep_1"),
            "E" + absl::BytesToHexString(HmacSha256(key, "episode:ep_1")).substr(0, 20));
}

TEST(DeidTest, ClassKeyJoinsTheQuasiIdentifiers) {
  QuasiIdentifiers q{"50-54", "female", "606", "sciatica"};
  EXPECT_EQ(q.ClassKey(), "50-54|female|606|sciatica");
}

}  // namespace
}  // namespace tractus::exports
