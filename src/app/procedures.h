// ProcedureSet: the procedures the desk runs (core/procedure.h) — the files
// shipped in procedures/ (compiled into the binary), then the files of an
// override directory (`procedures_dir`), each replacing a shipped one with the
// same procedure id or adding one. Every file is checked against the mail
// templates and directory lists when loaded; one bad file refuses them all.
// Thread-safety: immutable after Load(); share freely.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/procedure.h"

namespace atiende {

namespace mail {
class TemplateSet;
}

class ProcedureSet {
 public:
  // kInvalidArgument naming the file and line of the first problem.
  static Result<std::shared_ptr<const ProcedureSet>> Load(const mail::TemplateSet& templates,
                                                          const std::string& override_dir = "");
  // One file on its own (atiende procedure check).
  static Result<Procedure> LoadFile(const std::string& path, const mail::TemplateSet& templates);
  // The context files are checked against.
  static ProcedureContext Context(const mail::TemplateSet& templates);

  // A set of these procedures (simulations, tests).
  static std::shared_ptr<const ProcedureSet> Of(std::vector<Procedure> procedures);

  // nullptr when no procedure has this id.
  const Procedure* Find(std::string_view id) const;
  const std::vector<Procedure>& all() const { return procedures_; }

 private:
  std::vector<Procedure> procedures_;
};

}  // namespace atiende
