#include "common/sealed_box.h"

#include <gtest/gtest.h>

namespace tractus {
namespace {

const std::string kSecret(40, 'k');

TEST(SealedBoxTest, OpensWhatItSealed) {
  auto box = SealedBox::Create(kSecret, "purpose");
  ASSERT_TRUE(box.ok());
  for (const std::string& plain :
       {std::string(), std::string("x"), std::string("patient weekly pain 7, 6, 5, 4")}) {
    const std::string sealed = box->Seal(plain);
    EXPECT_EQ(sealed.size(), plain.size() + 29);  // version, nonce, tag
    // A readable plaintext of some length never shows through.
    if (plain.size() > 8) {
      EXPECT_EQ(sealed.find(plain.substr(0, 8)), std::string::npos);
    }
    auto opened = box->Open(sealed);
    ASSERT_TRUE(opened.ok()) << opened.status();
    EXPECT_EQ(*opened, plain);
  }
  EXPECT_NE(box->Seal("same"), box->Seal("same"));  // fresh nonces
}

TEST(SealedBoxTest, RefusesAlteredOrForeignBoxes) {
  auto box = SealedBox::Create(kSecret, "purpose");
  auto other_purpose = SealedBox::Create(kSecret, "another");
  auto other_key = SealedBox::Create(std::string(40, 'j'), "purpose");
  ASSERT_TRUE(box.ok() && other_purpose.ok() && other_key.ok());
  const std::string sealed = box->Seal("cohort share");
  for (size_t i = 0; i < sealed.size(); ++i) {
    std::string flipped = sealed;
    flipped[i] ^= 0x01;
    EXPECT_TRUE(absl::IsInvalidArgument(box->Open(flipped).status())) << "byte " << i;
  }
  EXPECT_FALSE(box->Open(sealed.substr(0, sealed.size() - 1)).ok());
  EXPECT_FALSE(box->Open("").ok());
  EXPECT_FALSE(other_purpose->Open(sealed).ok());
  EXPECT_FALSE(other_key->Open(sealed).ok());
  EXPECT_TRUE(absl::IsInvalidArgument(SealedBox::Create("short", "p").status()));
}

}  // namespace
}  // namespace tractus
