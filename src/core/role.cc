#include "core/role.h"

namespace atiende {

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kAgent:
      return "agent";
    case Role::kSupervisor:
      return "supervisor";
    case Role::kDispatch:
      return "dispatch";
    case Role::kBackOffice:
      return "back_office";
    case Role::kAdmin:
      return "admin";
    case Role::kCustomer:
      return "customer";
  }
  return "agent";
}

std::optional<Role> ParseRole(std::string_view name) {
  for (Role r : kAllRoles) {
    if (RoleName(r) == name) return r;
  }
  return std::nullopt;
}

}  // namespace atiende
