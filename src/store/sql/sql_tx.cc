#include "store/sql/repos.h"

namespace atiende::sql {

Status VersionMoved(Conn& c, const char* version_sql, std::string_view entity, int64_t id,
                    const std::string& name, int64_t expected) {
  ATIENDE_ASSIGN_OR_RETURN(auto cur, c.Query(version_sql));
  cur->Bind(1, id);
  ATIENDE_ASSIGN_OR_RETURN(bool row, cur->Step());
  if (!row) return Status::NotFound("no " + std::string(entity) + " with id " + std::to_string(id));
  return Status::VersionConflict(std::string(entity) + " " + name + " is at version " +
                                 std::to_string(cur->Int(0)) + ", not " + std::to_string(expected))
      .WithSubject(name);
}

Result<std::string> DeskFor(const std::string& record, const std::string& scope,
                            std::string_view what) {
  if (record.empty()) {
    if (scope.empty()) {
      return Status::InvalidArgument("a " + std::string(what) + " needs a desk", "desk");
    }
    return scope;
  }
  if (!scope.empty() && record != scope) {
    return Status::InvalidArgument(
        "a " + std::string(what) + " of desk " + record + " cannot be written in desk " + scope,
        "desk");
  }
  return record;
}

}  // namespace atiende::sql
