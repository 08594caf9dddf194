// Role: what a user is allowed to do (G-3). A closed set; routes declare the
// roles they admit as a RoleSet.
// Thread-safety: values.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string_view>

namespace atiende {

enum class Role : uint8_t { kAgent, kSupervisor, kDispatch, kBackOffice, kAdmin, kCustomer };

inline constexpr Role kAllRoles[] = {Role::kAgent,      Role::kSupervisor, Role::kDispatch,
                                     Role::kBackOffice, Role::kAdmin,      Role::kCustomer};

// "agent", "supervisor", "dispatch", "back_office", "admin", "customer".
std::string_view RoleName(Role role);
// Inverse of RoleName; nullopt for anything else.
std::optional<Role> ParseRole(std::string_view name);

class RoleSet {
 public:
  constexpr RoleSet() = default;
  constexpr RoleSet(std::initializer_list<Role> roles) {
    for (Role r : roles) bits_ |= Bit(r);
  }
  static constexpr RoleSet Staff() {
    return {Role::kAgent, Role::kSupervisor, Role::kDispatch, Role::kBackOffice, Role::kAdmin};
  }
  static constexpr RoleSet Any() { return Staff() | RoleSet{Role::kCustomer}; }
  constexpr bool Contains(Role r) const { return (bits_ & Bit(r)) != 0; }
  constexpr bool empty() const { return bits_ == 0; }
  constexpr RoleSet operator|(RoleSet o) const {
    RoleSet s;
    s.bits_ = bits_ | o.bits_;
    return s;
  }

 private:
  static constexpr uint32_t Bit(Role r) { return 1u << static_cast<uint32_t>(r); }
  uint32_t bits_ = 0;
};

}  // namespace atiende
