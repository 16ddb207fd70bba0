// Accounts: users, their API keys, access tokens, and authentication of
// user calls. Every user and key lives in the auth column family and, for
// authentication without a disk read, in memory; a revoked key or a disabled
// user stops working on the next call.
//
// API keys are "tak1.<key_id>.<secret>" with 256 random bits; only the
// SHA-256 of the secret is stored. Tokens: see tokens.h.
//
// Thread-safe.
#ifndef TRACTUS_SECURITY_ACCOUNTS_H_
#define TRACTUS_SECURITY_ACCOUNTS_H_

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "records/records.h"
#include "security/principal.h"
#include "storage/store.h"
#include "tractus/internal/v1/auth_records.pb.h"
#include "tractus/v1/admin.pb.h"
#include "tractus/v1/auth.pb.h"

namespace tractus::security {

inline constexpr absl::string_view kApiKeyTag = "tak1";
inline constexpr absl::Duration kDefaultTokenTtl = absl::Minutes(15);
inline constexpr absl::Duration kMaxTokenTtl = absl::Hours(12);

class Accounts {
 public:
  // Loads every user and key, and the token signing key (made on first
  // start). `store`, `clock` and `records` must outlive the result.
  static absl::StatusOr<std::unique_ptr<Accounts>> Open(storage::Store* store,
                                                        const Clock* clock,
                                                        records::Records* records);

  // On first start (no user at all) creates an administrator and an API key
  // for it and returns the key's secret, to be handed to the operator once;
  // afterwards returns nullopt. `provisioned`: a key the operator made
  // beforehand ("tak1.<key id>.<secret>", e.g. one key for every shard of a
  // deployment) to install instead of a new one; INVALID_ARGUMENT if it has
  // another shape.
  absl::StatusOr<std::optional<std::string>> BootstrapAdministrator(
      const std::optional<std::string>& provisioned = std::nullopt);

  // Administration. Validation: user_validation.h; NOT_FOUND for unknown
  // users, keys, clinics or patients.
  absl::StatusOr<v1::CreateUserResponse> CreateUser(const v1::CreateUserRequest& req);
  absl::StatusOr<v1::GetUserResponse> GetUser(const v1::GetUserRequest& req) const;
  absl::StatusOr<v1::UpdateUserResponse> UpdateUser(const v1::UpdateUserRequest& req);
  absl::StatusOr<v1::ListUsersResponse> ListUsers(const v1::ListUsersRequest& req) const;
  absl::StatusOr<v1::CreateApiKeyResponse> CreateApiKey(const v1::CreateApiKeyRequest& req);
  absl::StatusOr<v1::ListApiKeysResponse> ListApiKeys(const v1::ListApiKeysRequest& req) const;
  absl::StatusOr<v1::RevokeApiKeyResponse> RevokeApiKey(const v1::RevokeApiKeyRequest& req);

  // A token for `caller`, who must have authenticated with an API key
  // (PERMISSION_DENIED for a token).
  absl::StatusOr<v1::IssueTokenResponse> IssueToken(const Principal& caller,
                                                    const v1::IssueTokenRequest& req) const;

  // The user behind an API key or a token. UNAUTHENTICATED (with no detail
  // of which check failed) if malformed, unknown, expired, revoked, or the
  // user is disabled.
  absl::StatusOr<Principal> Authenticate(absl::string_view bearer) const;

  // How many changes that can take access away (a key revoked, a user
  // updated) have happened since start: a long-lived stream compares it
  // with the value when it was admitted and calls CheckStillValid only when
  // it moved (an atomic load per message).
  uint64_t AccessChanges() const { return access_changes_.load(std::memory_order_acquire); }
  // UNAUTHENTICATED if `principal`'s key is no longer live (revoked,
  // expired, its user disabled) or its user's role or clinics changed since
  // it authenticated.
  absl::Status CheckStillValid(const Principal& principal) const;
  // Called after each such change (open streams look again at once). Set
  // before serving; must only schedule work.
  void SetAccessListener(std::function<void()> listener) { listener_ = std::move(listener); }

 private:
  Accounts(storage::Store* store, const Clock* clock, records::Records* records)
      : store_(store), clock_(clock), records_(records) {}
  absl::Status Load();
  // NOT_FOUND naming the first clinic or patient of `user` that does not exist.
  absl::Status CheckReferences(const v1::User& user) const;
  absl::Status PutUser(const v1::User& user) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // `preset`: {key id, secret} to install instead of fresh ones.
  absl::StatusOr<v1::CreateApiKeyResponse> CreateKeyLocked(
      const v1::CreateApiKeyRequest& req,
      const std::optional<std::pair<std::string, std::string>>& preset = std::nullopt)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The principal for a live key; UNAUTHENTICATED otherwise.
  absl::StatusOr<Principal> PrincipalForKey(const std::string& key_id, AuthenticatedBy by) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_);

  storage::Store* const store_;
  const Clock* const clock_;
  records::Records* const records_;
  std::string signing_key_;  // set by Load(), then constant
  mutable absl::Mutex mu_;
  std::map<std::string, v1::User> users_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, internal::v1::ApiKeyRecord> keys_ ABSL_GUARDED_BY(mu_);
  std::atomic<uint64_t> access_changes_{0};
  std::function<void()> listener_;
};

}  // namespace tractus::security

#endif  // TRACTUS_SECURITY_ACCOUNTS_H_
