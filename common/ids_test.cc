#include "common/ids.h"

#include <set>

#include "gtest/gtest.h"

namespace tractus {
namespace {

TEST(IdsTest, OpaqueIdsHavePrefixAndAreUnique) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    std::string id = NewOpaqueId(kPatientIdPrefix);
    EXPECT_TRUE(IsOpaqueId(id, kPatientIdPrefix)) << id;
    EXPECT_FALSE(IsOpaqueId(id, kClinicIdPrefix)) << id;
    EXPECT_TRUE(seen.insert(id).second);
  }
}

TEST(IdsTest, IsOpaqueIdRejectsMalformed) {
  EXPECT_FALSE(IsOpaqueId("", kPatientIdPrefix));
  EXPECT_FALSE(IsOpaqueId("pt_", kPatientIdPrefix));
  EXPECT_FALSE(IsOpaqueId("pt_0123456789abcdef0123456789ABCDEF", kPatientIdPrefix));
  EXPECT_FALSE(IsOpaqueId("pt_0123456789abcdef0123456789abcde", kPatientIdPrefix));
  EXPECT_TRUE(IsOpaqueId("pt_0123456789abcdef0123456789abcdef", kPatientIdPrefix));
}

TEST(IdsTest, ClientIds) {
  EXPECT_TRUE(IsClientId("obs-2026-11-27.nprs:1"));
  EXPECT_TRUE(IsClientId(std::string(128, 'a')));
  EXPECT_FALSE(IsClientId(std::string(129, 'a')));
  EXPECT_FALSE(IsClientId(""));
  EXPECT_FALSE(IsClientId("has space"));
  EXPECT_FALSE(IsClientId("slash/"));
  EXPECT_FALSE(IsClientId(std::string("nul\0", 4)));
}

}  // namespace
}  // namespace tractus
