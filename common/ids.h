// Opaque resource ids and client-chosen ids.
#ifndef TRACTUS_COMMON_IDS_H_
#define TRACTUS_COMMON_IDS_H_

#include <string>

#include "absl/strings/string_view.h"

namespace tractus {

// Prefixes of server-assigned ids, one per resource kind.
inline constexpr absl::string_view kClinicIdPrefix = "cl_";
inline constexpr absl::string_view kPatientIdPrefix = "pt_";
inline constexpr absl::string_view kEpisodeIdPrefix = "ep_";
inline constexpr absl::string_view kDeviceIdPrefix = "dv_";
inline constexpr absl::string_view kUserIdPrefix = "us_";
inline constexpr absl::string_view kApiKeyIdPrefix = "ak_";
inline constexpr absl::string_view kExportIdPrefix = "ex_";
inline constexpr absl::string_view kSessionIdPrefix = "ss_";

// Returns `prefix` followed by 32 lowercase hex digits of 128 bits from the
// kernel's CSPRNG (getrandom). Ids carry no information about the resource.
// Thread-safe.
std::string NewOpaqueId(absl::string_view prefix);

// True if `id` is `prefix` followed by exactly 32 lowercase hex digits.
bool IsOpaqueId(absl::string_view id, absl::string_view prefix);

// True if `id` is a valid client-chosen id: 1..128 characters of
// [A-Za-z0-9._:-]. Used for request_id, observation_id and report ids.
bool IsClientId(absl::string_view id);

// Fills `out` with `n` bytes from the kernel's CSPRNG. Aborts only if the
// kernel cannot supply randomness at all (no safe way to continue).
void SecureRandomBytes(void* out, size_t n);

}  // namespace tractus

#endif  // TRACTUS_COMMON_IDS_H_
