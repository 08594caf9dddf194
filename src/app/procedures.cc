#include "app/procedures.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "app/directory.h"
#include "core/embedded.h"
#include "mail/templates.h"

namespace atiende {

namespace {

constexpr char kShipped[] = "../procedures/";  // embedded keys, relative to src/

Status Add(std::vector<Procedure>& all, Procedure p) {
  for (auto& have : all) {
    if (have.id == p.id) {
      have = std::move(p);
      return Status::Ok();
    }
  }
  for (const auto& have : all) {
    if (have.number_prefix == p.number_prefix) {
      return Status::InvalidArgument(p.file + ": number_prefix " + p.number_prefix +
                                         " is already used by procedure " + have.id,
                                     "procedure");
    }
  }
  all.push_back(std::move(p));
  return Status::Ok();
}

}  // namespace

ProcedureContext ProcedureSet::Context(const mail::TemplateSet& templates) {
  ProcedureContext ctx;
  ctx.has_template = [&templates](std::string_view event) { return templates.Has(event); };
  ctx.lists = KnownLists();
  return ctx;
}

Result<Procedure> ProcedureSet::LoadFile(const std::string& path,
                                         const mail::TemplateSet& templates) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::InvalidArgument("cannot read " + path, "procedure");
  std::ostringstream ss;
  ss << in.rdbuf();
  if (ss.str().size() > (1 << 20))
    return Status::InvalidArgument(path + ": over 1 MiB", "procedure");
  return ParseProcedure(ss.str(), path, Context(templates));
}

Result<std::shared_ptr<const ProcedureSet>> ProcedureSet::Load(const mail::TemplateSet& templates,
                                                               const std::string& override_dir) {
  auto set = std::make_shared<ProcedureSet>();
  ProcedureContext ctx = Context(templates);
  for (const auto& [path, text] : EmbeddedFiles()) {
    if (!path.starts_with(kShipped) || !path.ends_with(".yaml") ||
        path.find('/', sizeof(kShipped) - 1) != std::string::npos) {
      continue;  // procedures/*.yaml only (not procedures/scenarios/)
    }
    ATIENDE_ASSIGN_OR_RETURN(Procedure p,
                             ParseProcedure(text, path.substr(3), ctx));  // "procedures/x.yaml"
    ATIENDE_RETURN_IF_ERROR(Add(set->procedures_, std::move(p)));
  }
  if (!override_dir.empty()) {
    std::error_code ec;
    std::vector<std::filesystem::path> files;
    for (const auto& e : std::filesystem::directory_iterator(override_dir, ec)) {
      if (e.is_regular_file() && e.path().extension() == ".yaml") files.push_back(e.path());
    }
    if (ec) {
      return Status::InvalidArgument("cannot read " + override_dir + ": " + ec.message(),
                                     "procedures_dir");
    }
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
      ATIENDE_ASSIGN_OR_RETURN(Procedure p, LoadFile(f.string(), templates));
      ATIENDE_RETURN_IF_ERROR(Add(set->procedures_, std::move(p)));
    }
  }
  return std::shared_ptr<const ProcedureSet>(std::move(set));
}

std::shared_ptr<const ProcedureSet> ProcedureSet::Of(std::vector<Procedure> procedures) {
  auto set = std::make_shared<ProcedureSet>();
  set->procedures_ = std::move(procedures);
  return set;
}

const Procedure* ProcedureSet::Find(std::string_view id) const {
  for (const auto& p : procedures_) {
    if (p.id == id) return &p;
  }
  return nullptr;
}

}  // namespace atiende
