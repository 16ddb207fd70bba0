#include "security/accounts.h"

#include "common/status_matchers.h"
#include "gtest/gtest.h"
#include "records/test_requests.h"
#include "records/time_proto.h"
#include "storage/test_dir.h"

namespace tractus::security {
namespace {

using ::tractus::testing::IsOk;
using ::tractus::testing::StatusIs;

class AccountsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = *storage::Store::Open(dir_.path(), storage::StoreOptions{.sync_writes = false});
    records_ = std::make_unique<records::Records>(store_.get(), &clock_);
    clinic_ = records_->CreateClinic(records::testing::ClinicRequest("a"))->clinic().clinic_id();
    Reopen();
  }

  void Reopen() {
    auto accounts = Accounts::Open(store_.get(), &clock_, records_.get());
    ASSERT_THAT(accounts, IsOk());
    accounts_ = std::move(*accounts);
  }

  std::string Clinician() {
    v1::CreateUserRequest req;
    req.mutable_user()->set_display_name("Dr. Ortiz");
    req.mutable_user()->set_role(v1::ROLE_CLINICIAN);
    req.mutable_user()->add_clinic_ids(clinic_);
    auto created = accounts_->CreateUser(req);
    EXPECT_THAT(created, IsOk());
    return created->user().user_id();
  }

  v1::CreateApiKeyResponse Key(const std::string& user_id) {
    v1::CreateApiKeyRequest req;
    req.set_user_id(user_id);
    auto key = accounts_->CreateApiKey(req);
    EXPECT_THAT(key, IsOk());
    return *key;
  }

  TestDir dir_;
  FakeClock clock_{absl::FromUnixSeconds(1'800'000'000)};
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<records::Records> records_;
  std::unique_ptr<Accounts> accounts_;
  std::string clinic_;
};

TEST_F(AccountsTest, BootstrapOnceAndItsKeyAuthenticatesAnAdministrator) {
  auto first = accounts_->BootstrapAdministrator();
  ASSERT_THAT(first, IsOk());
  ASSERT_TRUE(first->has_value());
  auto admin = accounts_->Authenticate(**first);
  ASSERT_THAT(admin, IsOk());
  EXPECT_EQ(admin->role, v1::ROLE_ADMINISTRATOR);
  Reopen();
  auto second = accounts_->BootstrapAdministrator();
  ASSERT_THAT(second, IsOk());
  EXPECT_FALSE(second->has_value());
  EXPECT_THAT(accounts_->Authenticate(**first), IsOk());  // persisted
}

TEST_F(AccountsTest, KeysAreHashedRevocableAndExpire) {
  const std::string user = Clinician();
  v1::CreateApiKeyResponse key = Key(user);
  EXPECT_EQ(key.secret().rfind("tak1." + key.api_key().key_id() + ".", 0), 0u);
  auto who = accounts_->Authenticate(key.secret());
  ASSERT_THAT(who, IsOk());
  EXPECT_EQ(who->id, user);
  EXPECT_EQ(who->clinic_ids, std::vector<std::string>{clinic_});

  std::string wrong = key.secret();
  wrong.back() = wrong.back() == 'A' ? 'B' : 'A';
  EXPECT_THAT(accounts_->Authenticate(wrong), StatusIs(absl::StatusCode::kUnauthenticated));

  v1::RevokeApiKeyRequest revoke;
  revoke.set_key_id(key.api_key().key_id());
  ASSERT_THAT(accounts_->RevokeApiKey(revoke), IsOk());
  EXPECT_THAT(accounts_->Authenticate(key.secret()),
              StatusIs(absl::StatusCode::kUnauthenticated));

  v1::CreateApiKeyRequest expiring;
  expiring.set_user_id(user);
  *expiring.mutable_expire_time() = records::ToProto(clock_.Now() + absl::Hours(1));
  auto short_lived = accounts_->CreateApiKey(expiring);
  ASSERT_THAT(short_lived, IsOk());
  EXPECT_THAT(accounts_->Authenticate(short_lived->secret()), IsOk());
  clock_.Advance(absl::Hours(1));
  EXPECT_THAT(accounts_->Authenticate(short_lived->secret()),
              StatusIs(absl::StatusCode::kUnauthenticated));

  v1::ListApiKeysRequest list;
  list.set_user_id(user);
  EXPECT_EQ(accounts_->ListApiKeys(list)->api_keys_size(), 2);
}

TEST_F(AccountsTest, TokensFollowTheirKey) {
  const std::string user = Clinician();
  v1::CreateApiKeyResponse key = Key(user);
  Principal caller = *accounts_->Authenticate(key.secret());
  auto token = accounts_->IssueToken(caller, v1::IssueTokenRequest());
  ASSERT_THAT(token, IsOk());
  auto via_token = accounts_->Authenticate(token->token());
  ASSERT_THAT(via_token, IsOk());
  EXPECT_EQ(via_token->authenticated_by, AuthenticatedBy::kToken);
  EXPECT_EQ(via_token->id, user);
  // Tokens cannot mint tokens.
  EXPECT_THAT(accounts_->IssueToken(*via_token, v1::IssueTokenRequest()),
              StatusIs(absl::StatusCode::kPermissionDenied));
  v1::IssueTokenRequest too_long;
  too_long.set_ttl_seconds(13 * 3600);
  EXPECT_THAT(accounts_->IssueToken(caller, too_long),
              StatusIs(absl::StatusCode::kInvalidArgument));
  // Expiry.
  clock_.Advance(kDefaultTokenTtl);
  EXPECT_THAT(accounts_->Authenticate(token->token()),
              StatusIs(absl::StatusCode::kUnauthenticated));
  // Revoking the key ends its live tokens at once.
  token = accounts_->IssueToken(caller, v1::IssueTokenRequest());
  ASSERT_THAT(accounts_->Authenticate(token->token()), IsOk());
  v1::RevokeApiKeyRequest revoke;
  revoke.set_key_id(key.api_key().key_id());
  ASSERT_THAT(accounts_->RevokeApiKey(revoke), IsOk());
  EXPECT_THAT(accounts_->Authenticate(token->token()),
              StatusIs(absl::StatusCode::kUnauthenticated));
}

TEST_F(AccountsTest, DisablingAUserStopsItsKeysAndClinicsMustExist) {
  const std::string user = Clinician();
  v1::CreateApiKeyResponse key = Key(user);
  v1::UpdateUserRequest disable;
  disable.mutable_user()->set_user_id(user);
  disable.mutable_user()->set_disabled(true);
  disable.mutable_update_mask()->add_paths("disabled");
  ASSERT_THAT(accounts_->UpdateUser(disable), IsOk());
  EXPECT_THAT(accounts_->Authenticate(key.secret()),
              StatusIs(absl::StatusCode::kUnauthenticated));

  v1::CreateUserRequest unknown_clinic;
  unknown_clinic.mutable_user()->set_display_name("Dr. Nobody");
  unknown_clinic.mutable_user()->set_role(v1::ROLE_CLINICIAN);
  unknown_clinic.mutable_user()->add_clinic_ids("cl_00000000000000000000000000000000");
  EXPECT_THAT(accounts_->CreateUser(unknown_clinic), StatusIs(absl::StatusCode::kNotFound));

  v1::UpdateUserRequest bad_path;
  bad_path.mutable_user()->set_user_id(user);
  bad_path.mutable_update_mask()->add_paths("role");
  EXPECT_THAT(accounts_->UpdateUser(bad_path), StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace tractus::security
