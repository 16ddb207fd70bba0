// Small stand-ins for the status macros that Abseil 20220623 lacks. The names
// match later Abseil / Google releases so an upgrade is a rename.
#ifndef TRACTUS_COMMON_STATUS_MACROS_H_
#define TRACTUS_COMMON_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

// Returns from the current function if `expr` (an absl::Status) is not OK.
#define RETURN_IF_ERROR(expr)                                   \
  do {                                                          \
    ::absl::Status tractus_status_ = (expr);                    \
    if (!tractus_status_.ok()) return tractus_status_;          \
  } while (0)

#define TRACTUS_CONCAT_INNER_(a, b) a##b
#define TRACTUS_CONCAT_(a, b) TRACTUS_CONCAT_INNER_(a, b)

// ASSIGN_OR_RETURN(lhs, expr): evaluates `expr` (an absl::StatusOr<T>); on
// error returns its status, otherwise move-assigns the value to `lhs`, which
// may be a declaration (`auto x`).
#define ASSIGN_OR_RETURN(lhs, expr) \
  TRACTUS_ASSIGN_OR_RETURN_IMPL_(TRACTUS_CONCAT_(tractus_sor_, __LINE__), lhs, expr)

#define TRACTUS_ASSIGN_OR_RETURN_IMPL_(sor, lhs, expr) \
  auto sor = (expr);                                   \
  if (!sor.ok()) return std::move(sor).status();       \
  lhs = std::move(sor).value()

#endif  // TRACTUS_COMMON_STATUS_MACROS_H_
