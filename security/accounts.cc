#include "security/accounts.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/errors.h"
#include "common/ids.h"
#include "common/secrets.h"
#include "common/status_macros.h"
#include "records/pagination.h"
#include "records/time_proto.h"
#include "records/validation.h"
#include "security/tokens.h"
#include "security/user_validation.h"
#include "storage/key_codec.h"
#include "storage/proto_io.h"

namespace tractus::security {
namespace {

using internal::v1::ApiKeyRecord;
using records::FromProto;
using records::ToProto;
using storage::Cf;

absl::Status Unauthenticated() {
  return absl::UnauthenticatedError("invalid, expired or revoked API key or token");
}

absl::Status UserNotFound(absl::string_view user_id) {
  return absl::NotFoundError(absl::StrCat("user ", user_id, " not found"));
}

}  // namespace

absl::StatusOr<std::unique_ptr<Accounts>> Accounts::Open(storage::Store* store,
                                                         const Clock* clock,
                                                         records::Records* records) {
  std::unique_ptr<Accounts> accounts(new Accounts(store, clock, records));
  RETURN_IF_ERROR(accounts->Load());
  return accounts;
}

absl::Status Accounts::Load() {
  absl::MutexLock lock(&mu_);
  const std::string user_prefix = storage::UserPrefix();
  RETURN_IF_ERROR(store_->Scan(
      Cf::kAuth, user_prefix, storage::PrefixSuccessor(user_prefix),
      [&](absl::string_view, absl::string_view value) {
        auto user = storage::ParseRecord<v1::User>(value, "user");
        if (user.ok()) users_[user->user_id()] = std::move(*user);
        return user.ok();
      }));
  const std::string key_prefix = storage::ApiKeyPrefix();
  RETURN_IF_ERROR(store_->Scan(
      Cf::kAuth, key_prefix, storage::PrefixSuccessor(key_prefix),
      [&](absl::string_view, absl::string_view value) {
        auto key = storage::ParseRecord<ApiKeyRecord>(value, "API key");
        if (key.ok()) keys_[key->key().key_id()] = std::move(*key);
        return key.ok();
      }));
  auto signing_key = store_->Get(Cf::kMeta, storage::TokenSigningKeyKey());
  if (absl::IsNotFound(signing_key.status())) {
    std::string fresh(32, '\0');
    SecureRandomBytes(fresh.data(), fresh.size());
    storage::WriteBatch batch;
    batch.Put(Cf::kMeta, storage::TokenSigningKeyKey(), fresh);
    RETURN_IF_ERROR(store_->Write(batch));
    signing_key = std::move(fresh);
  }
  RETURN_IF_ERROR(signing_key.status());
  if (signing_key->size() != 32) return absl::DataLossError("token signing key is damaged");
  signing_key_ = std::move(*signing_key);
  return absl::OkStatus();
}

absl::StatusOr<std::optional<std::string>> Accounts::BootstrapAdministrator(
    const std::optional<std::string>& provisioned) {
  std::optional<std::pair<std::string, std::string>> preset;
  if (provisioned.has_value()) {
    std::string id, secret;
    if (!SplitTaggedSecret(*provisioned, kApiKeyTag, kApiKeyIdPrefix, &id, &secret)) {
      return absl::InvalidArgumentError(
          "the provisioned bootstrap key is not an API key (tak1.ak_<32 hex>.<secret>)");
    }
    preset.emplace(std::move(id), std::move(secret));
  }
  absl::MutexLock lock(&mu_);
  if (!users_.empty()) return std::optional<std::string>();
  v1::User admin;
  admin.set_user_id(NewOpaqueId(kUserIdPrefix));
  admin.set_display_name("Bootstrap administrator");
  admin.set_role(v1::ROLE_ADMINISTRATOR);
  *admin.mutable_create_time() = ToProto(clock_->Now());
  RETURN_IF_ERROR(PutUser(admin));
  v1::CreateApiKeyRequest key;
  key.set_user_id(admin.user_id());
  key.set_description("bootstrap");
  ASSIGN_OR_RETURN(v1::CreateApiKeyResponse created, CreateKeyLocked(key, preset));
  return std::optional<std::string>(created.secret());
}

absl::Status Accounts::CheckReferences(const v1::User& user) const {
  for (int i = 0; i < user.clinic_ids_size(); ++i) {
    v1::GetClinicRequest get;
    get.set_clinic_id(user.clinic_ids(i));
    RETURN_IF_ERROR(records_->GetClinic(get).status());
  }
  if (!user.patient_id().empty()) {
    v1::GetPatientRequest get;
    get.set_patient_id(user.patient_id());
    RETURN_IF_ERROR(records_->GetPatient(get).status());
  }
  return absl::OkStatus();
}

absl::Status Accounts::PutUser(const v1::User& user) {
  storage::WriteBatch batch;
  storage::PutRecord(batch, Cf::kAuth, storage::UserKey(user.user_id()), user);
  RETURN_IF_ERROR(store_->Write(batch));
  users_[user.user_id()] = user;
  return absl::OkStatus();
}

absl::StatusOr<v1::CreateUserResponse> Accounts::CreateUser(const v1::CreateUserRequest& req) {
  Violations v;
  if (!req.has_user()) {
    v.Add("user", "required");
  } else {
    CheckUser("user", req.user(), v);
  }
  RETURN_IF_ERROR(v.ToStatus());
  RETURN_IF_ERROR(CheckReferences(req.user()));
  v1::User user = req.user();
  user.set_user_id(NewOpaqueId(kUserIdPrefix));
  user.set_disabled(false);
  *user.mutable_create_time() = ToProto(clock_->Now());
  absl::MutexLock lock(&mu_);
  RETURN_IF_ERROR(PutUser(user));
  v1::CreateUserResponse resp;
  *resp.mutable_user() = std::move(user);
  return resp;
}

absl::StatusOr<v1::GetUserResponse> Accounts::GetUser(const v1::GetUserRequest& req) const {
  Violations v;
  records::CheckOpaqueId("user_id", req.user_id(), kUserIdPrefix, v);
  RETURN_IF_ERROR(v.ToStatus());
  absl::ReaderMutexLock lock(&mu_);
  auto it = users_.find(req.user_id());
  if (it == users_.end()) return UserNotFound(req.user_id());
  v1::GetUserResponse resp;
  *resp.mutable_user() = it->second;
  return resp;
}

absl::StatusOr<v1::UpdateUserResponse> Accounts::UpdateUser(const v1::UpdateUserRequest& req) {
  Violations v;
  records::CheckOpaqueId("user.user_id", req.user().user_id(), kUserIdPrefix, v);
  if (req.update_mask().paths_size() == 0) v.Add("update_mask", "required");
  for (int i = 0; i < req.update_mask().paths_size(); ++i) {
    const std::string& path = req.update_mask().paths(i);
    if (path != "display_name" && path != "clinic_ids" && path != "disabled") {
      v.Add(absl::StrCat("update_mask.paths[", i, "]"),
            absl::StrCat("\"", path, "\" cannot be changed (display_name, clinic_ids, disabled)"));
    }
  }
  RETURN_IF_ERROR(v.ToStatus());
  absl::MutexLock lock(&mu_);
  auto it = users_.find(req.user().user_id());
  if (it == users_.end()) return UserNotFound(req.user().user_id());
  v1::User user = it->second;
  for (const std::string& path : req.update_mask().paths()) {
    if (path == "display_name") user.set_display_name(req.user().display_name());
    if (path == "clinic_ids") *user.mutable_clinic_ids() = req.user().clinic_ids();
    if (path == "disabled") user.set_disabled(req.user().disabled());
  }
  CheckUser("user", user, v);
  RETURN_IF_ERROR(v.ToStatus());
  RETURN_IF_ERROR(CheckReferences(user));
  RETURN_IF_ERROR(PutUser(user));
  access_changes_.fetch_add(1, std::memory_order_acq_rel);  // open streams look again
  if (listener_) listener_();
  v1::UpdateUserResponse resp;
  *resp.mutable_user() = std::move(user);
  return resp;
}

absl::StatusOr<v1::ListUsersResponse> Accounts::ListUsers(const v1::ListUsersRequest& req) const {
  ASSIGN_OR_RETURN(int page_size, records::EffectivePageSize(req.page_size(), 100));
  const std::string prefix = storage::UserPrefix();
  records::PageQuery query{Cf::kAuth, prefix, storage::PrefixSuccessor(prefix), "users",
                           std::min(page_size, 500), req.page_token()};
  v1::ListUsersResponse resp;
  ASSIGN_OR_RETURN(*resp.mutable_next_page_token(),
                   records::ScanPage(*store_, query,
                                     [&](absl::string_view, absl::string_view value)
                                         -> absl::StatusOr<bool> {
                                       ASSIGN_OR_RETURN(*resp.add_users(),
                                                        storage::ParseRecord<v1::User>(
                                                            value, "user"));
                                       return true;
                                     }));
  return resp;
}

absl::StatusOr<v1::CreateApiKeyResponse> Accounts::CreateApiKey(
    const v1::CreateApiKeyRequest& req) {
  Violations v;
  CheckCreateApiKey(req, clock_->Now(), v);
  RETURN_IF_ERROR(v.ToStatus());
  absl::MutexLock lock(&mu_);
  if (users_.find(req.user_id()) == users_.end()) return UserNotFound(req.user_id());
  return CreateKeyLocked(req);
}

absl::StatusOr<v1::CreateApiKeyResponse> Accounts::CreateKeyLocked(
    const v1::CreateApiKeyRequest& req,
    const std::optional<std::pair<std::string, std::string>>& preset) {
  ApiKeyRecord record;
  v1::ApiKey* key = record.mutable_key();
  key->set_key_id(preset ? preset->first : NewOpaqueId(kApiKeyIdPrefix));
  key->set_user_id(req.user_id());
  key->set_description(req.description());
  *key->mutable_create_time() = ToProto(clock_->Now());
  if (req.has_expire_time()) *key->mutable_expire_time() = req.expire_time();
  const std::string secret = preset ? preset->second : NewSecret();
  record.set_secret_hash(Sha256(secret));
  storage::WriteBatch batch;
  storage::PutRecord(batch, Cf::kAuth, storage::ApiKeyKey(key->key_id()), record);
  RETURN_IF_ERROR(store_->Write(batch));
  v1::CreateApiKeyResponse resp;
  *resp.mutable_api_key() = *key;
  resp.set_secret(absl::StrCat(kApiKeyTag, ".", key->key_id(), ".", secret));
  keys_[key->key_id()] = std::move(record);
  return resp;
}

absl::StatusOr<v1::ListApiKeysResponse> Accounts::ListApiKeys(
    const v1::ListApiKeysRequest& req) const {
  Violations v;
  records::CheckOpaqueId("user_id", req.user_id(), kUserIdPrefix, v);
  RETURN_IF_ERROR(v.ToStatus());
  absl::ReaderMutexLock lock(&mu_);
  if (users_.find(req.user_id()) == users_.end()) return UserNotFound(req.user_id());
  v1::ListApiKeysResponse resp;
  for (const auto& [id, record] : keys_) {
    if (record.key().user_id() == req.user_id()) *resp.add_api_keys() = record.key();
  }
  return resp;
}

absl::StatusOr<v1::RevokeApiKeyResponse> Accounts::RevokeApiKey(
    const v1::RevokeApiKeyRequest& req) {
  Violations v;
  records::CheckOpaqueId("key_id", req.key_id(), kApiKeyIdPrefix, v);
  RETURN_IF_ERROR(v.ToStatus());
  absl::MutexLock lock(&mu_);
  auto it = keys_.find(req.key_id());
  if (it == keys_.end()) {
    return absl::NotFoundError(absl::StrCat("API key ", req.key_id(), " not found"));
  }
  if (!it->second.key().has_revoke_time()) {
    ApiKeyRecord revoked = it->second;
    *revoked.mutable_key()->mutable_revoke_time() = ToProto(clock_->Now());
    storage::WriteBatch batch;
    storage::PutRecord(batch, Cf::kAuth, storage::ApiKeyKey(req.key_id()), revoked);
    RETURN_IF_ERROR(store_->Write(batch));
    it->second = std::move(revoked);
    access_changes_.fetch_add(1, std::memory_order_acq_rel);  // open streams look again
    if (listener_) listener_();
  }
  v1::RevokeApiKeyResponse resp;
  *resp.mutable_api_key() = it->second.key();
  return resp;
}

absl::StatusOr<v1::IssueTokenResponse> Accounts::IssueToken(
    const Principal& caller, const v1::IssueTokenRequest& req) const {
  if (caller.authenticated_by != AuthenticatedBy::kApiKey) {
    return absl::PermissionDeniedError("tokens are issued for API keys only, not for tokens");
  }
  absl::Duration ttl = kDefaultTokenTtl;
  if (req.ttl_seconds() != 0) {
    ttl = absl::Seconds(req.ttl_seconds());
    if (ttl < absl::Seconds(1) || ttl > kMaxTokenTtl) {
      return InvalidField("ttl_seconds", absl::StrCat("must be 1..", absl::ToInt64Seconds(kMaxTokenTtl)));
    }
  }
  absl::Time expire = clock_->Now() + ttl;
  {
    absl::ReaderMutexLock lock(&mu_);
    auto it = keys_.find(caller.key_id);
    if (it == keys_.end()) return Unauthenticated();
    if (it->second.key().has_expire_time()) {
      expire = std::min(expire, FromProto(it->second.key().expire_time()));
    }
  }
  v1::IssueTokenResponse resp;
  resp.set_token(SignToken({caller.key_id, expire}, signing_key_));
  // Tokens carry whole seconds.
  *resp.mutable_expire_time() = ToProto(absl::FromUnixSeconds(absl::ToUnixSeconds(expire)));
  return resp;
}

absl::StatusOr<Principal> Accounts::Authenticate(absl::string_view bearer) const {
  std::string key_id;
  AuthenticatedBy by = AuthenticatedBy::kApiKey;
  std::string secret;
  if (absl::StartsWith(bearer, absl::StrCat(kApiKeyTag, "."))) {
    if (!SplitTaggedSecret(bearer, kApiKeyTag, kApiKeyIdPrefix, &key_id, &secret)) {
      return Unauthenticated();
    }
  } else if (absl::StartsWith(bearer, absl::StrCat(kTokenTag, "."))) {
    ASSIGN_OR_RETURN(TokenClaims claims, VerifyToken(bearer, signing_key_, clock_->Now()));
    key_id = std::move(claims.key_id);
    by = AuthenticatedBy::kToken;
  } else {
    return Unauthenticated();
  }
  absl::ReaderMutexLock lock(&mu_);
  if (by == AuthenticatedBy::kApiKey) {
    auto it = keys_.find(key_id);
    if (it == keys_.end() || !ConstantTimeEquals(it->second.secret_hash(), Sha256(secret))) {
      return Unauthenticated();
    }
  }
  return PrincipalForKey(key_id, by);
}

absl::Status Accounts::CheckStillValid(const Principal& principal) const {
  absl::ReaderMutexLock lock(&mu_);
  ASSIGN_OR_RETURN(Principal now, PrincipalForKey(principal.key_id, principal.authenticated_by));
  if (now.id != principal.id || now.role != principal.role ||
      now.clinic_ids != principal.clinic_ids || now.patient_id != principal.patient_id) {
    return absl::UnauthenticatedError(
        "the credential's access changed since this stream opened: reconnect");
  }
  return absl::OkStatus();
}

absl::StatusOr<Principal> Accounts::PrincipalForKey(const std::string& key_id,
                                                    AuthenticatedBy by) const {
  auto key = keys_.find(key_id);
  if (key == keys_.end()) return Unauthenticated();
  const v1::ApiKey& api_key = key->second.key();
  if (api_key.has_revoke_time()) return Unauthenticated();
  if (api_key.has_expire_time() && FromProto(api_key.expire_time()) <= clock_->Now()) {
    return Unauthenticated();
  }
  auto user = users_.find(api_key.user_id());
  if (user == users_.end() || user->second.disabled()) return Unauthenticated();
  Principal principal;
  principal.id = user->second.user_id();
  principal.role = user->second.role();
  principal.clinic_ids.assign(user->second.clinic_ids().begin(), user->second.clinic_ids().end());
  principal.patient_id = user->second.patient_id();
  principal.key_id = key_id;
  principal.authenticated_by = by;
  return principal;
}

}  // namespace tractus::security
