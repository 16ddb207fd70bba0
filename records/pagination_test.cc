#include "records/pagination.h"

#include "common/errors.h"
#include "common/status_matchers.h"
#include "gtest/gtest.h"
#include "storage/key_codec.h"
#include "storage/test_dir.h"

namespace tractus::records {
namespace {

using testing::IsOk;
using testing::StatusIs;

TEST(PageSizeTest, DefaultsClampsAndRejects) {
  EXPECT_EQ(*EffectivePageSize(0, 50), 50);
  EXPECT_EQ(*EffectivePageSize(7, 50), 7);
  EXPECT_EQ(*EffectivePageSize(1000000, 50), kMaxPageSize);
  absl::StatusOr<int> bad = EffectivePageSize(-1, 50);
  EXPECT_THAT(bad, StatusIs(absl::StatusCode::kInvalidArgument));
  ASSERT_EQ(FieldViolationsOf(bad.status()).size(), 1u);
  EXPECT_EQ(FieldViolationsOf(bad.status())[0].field, "page_size");
}

class ScanPageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = *storage::Store::Open(dir_.path(), storage::StoreOptions{.sync_writes = false});
    storage::WriteBatch batch;
    for (int i = 0; i < 25; ++i) {
      batch.Put(storage::Cf::kClinics, storage::ClinicKey(absl::StrCat("c", 100 + i)),
                absl::StrCat(i));
    }
    ASSERT_THAT(store_->Write(batch), IsOk());
  }

  // Pages through everything with `page_size`, keeping odd values only when
  // `odd_only`; returns the values seen and the number of pages.
  std::pair<std::vector<std::string>, int> All(int page_size, bool odd_only) {
    std::vector<std::string> seen;
    std::string token;
    int pages = 0;
    do {
      PageQuery q{storage::Cf::kClinics, "", "", "scope", page_size, token};
      auto next = ScanPage(*store_, q, [&](absl::string_view, absl::string_view v)
                                           -> absl::StatusOr<bool> {
        if (odd_only && (std::stoi(std::string(v)) % 2 == 0)) return false;
        seen.emplace_back(v);
        return true;
      });
      EXPECT_THAT(next, IsOk());
      token = *next;
      ++pages;
    } while (!token.empty() && pages < 100);
    return {seen, pages};
  }

  TestDir dir_;
  std::unique_ptr<storage::Store> store_;
};

TEST_F(ScanPageTest, PagesCoverEverythingOnce) {
  auto [seen, pages] = All(10, false);
  ASSERT_EQ(seen.size(), 25u);
  for (int i = 0; i < 25; ++i) EXPECT_EQ(seen[i], absl::StrCat(i));
  EXPECT_EQ(pages, 3);
  auto [exact, exact_pages] = All(25, false);
  EXPECT_EQ(exact.size(), 25u);
  EXPECT_EQ(exact_pages, 1);  // no empty trailing page when it fits exactly
}

TEST_F(ScanPageTest, FilteredRecordsDoNotCountTowardPageSize) {
  auto [seen, pages] = All(4, true);
  EXPECT_EQ(seen.size(), 12u);
  EXPECT_EQ(seen.front(), "1");
  EXPECT_EQ(seen.back(), "23");
}

TEST_F(ScanPageTest, RejectsForeignAndGarbageTokens) {
  PageQuery q{storage::Cf::kClinics, "", "", "scope", 5, ""};
  auto accept = [](absl::string_view, absl::string_view) -> absl::StatusOr<bool> {
    return true;
  };
  std::string token = *ScanPage(*store_, q, accept);
  ASSERT_FALSE(token.empty());
  PageQuery other = q;
  other.scope = "another query";
  other.page_token = token;
  EXPECT_THAT(ScanPage(*store_, other, accept), StatusIs(absl::StatusCode::kInvalidArgument));
  PageQuery garbage = q;
  garbage.page_token = "!!not base64!!";
  auto bad = ScanPage(*store_, garbage, accept);
  EXPECT_THAT(bad, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(FieldViolationsOf(bad.status())[0].field, "page_token");
  PageQuery truncated = q;
  truncated.page_token = token.substr(0, token.size() / 2);
  EXPECT_THAT(ScanPage(*store_, truncated, accept),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(ScanPageTest, VisitorErrorsStopTheScan) {
  PageQuery q{storage::Cf::kClinics, "", "", "scope", 5, ""};
  auto result = ScanPage(*store_, q, [](absl::string_view, absl::string_view)
                                         -> absl::StatusOr<bool> {
    return absl::DataLossError("bad record");
  });
  EXPECT_THAT(result, StatusIs(absl::StatusCode::kDataLoss));
}

}  // namespace
}  // namespace tractus::records
