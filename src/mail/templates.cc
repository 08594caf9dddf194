#include "mail/templates.h"

#include <atomic>
#include <filesystem>
#include <fstream>
#include <kainjow/mustache.hpp>
#include <map>
#include <memory>
#include <set>
#include <sstream>

#include "core/embedded.h"
#include "mail/events.h"

namespace atiende::mail {

namespace mu = kainjow::mustache;

namespace {

const char kPrefix[] = "mail/templates/";

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

// Checks the tags of one template against the names the event declares.
void CheckTags(const std::string& file, const std::string& text, const MailEvent& event,
               std::vector<std::string>& problems) {
  std::set<std::string> declared(event.variables.begin(), event.variables.end());
  std::vector<std::string> sections;
  size_t pos = 0;
  while ((pos = text.find("{{", pos)) != std::string::npos) {
    bool triple = text.compare(pos, 3, "{{{") == 0;
    size_t end = text.find(triple ? "}}}" : "}}", pos);
    if (end == std::string::npos) {
      problems.push_back(file + ": unclosed tag");
      return;
    }
    std::string tag = text.substr(pos + (triple ? 3 : 2), end - pos - (triple ? 3 : 2));
    pos = end + (triple ? 3 : 2);
    char kind = tag.empty() ? ' ' : tag[0];
    if (kind == '!') continue;
    if (kind == '>' || kind == '=') {
      problems.push_back(file + ": partials and delimiter changes are not allowed ({{" + tag +
                         "}})");
      continue;
    }
    std::string name = tag;
    if (kind == '#' || kind == '^' || kind == '/' || kind == '&') name = tag.substr(1);
    size_t b = name.find_first_not_of(' '), e = name.find_last_not_of(' ');
    name = b == std::string::npos ? "" : name.substr(b, e - b + 1);
    if (kind == '/') {
      if (sections.empty() || sections.back() != name) {
        problems.push_back(file + ": {{/" + name + "}} closes nothing open");
      } else {
        sections.pop_back();
      }
      continue;
    }
    bool known = name == "." && !sections.empty();
    for (size_t i = 0; !known && i <= sections.size(); ++i) {
      std::string scoped;
      for (size_t k = 0; k < sections.size() - i; ++k) scoped += sections[k] + ".";
      known = declared.count(scoped + name) > 0;
    }
    if (!known) {
      problems.push_back(file + ": {{" + tag + "}} is not a variable of event " + event.name);
    }
    if (kind == '#' || kind == '^') sections.push_back(name);
  }
  if (!sections.empty())
    problems.push_back(file + ": {{#" + sections.back() + "}} is never closed");
}

mu::data ToData(const boost::json::value& v) {
  switch (v.kind()) {
    case boost::json::kind::object: {
      mu::data d{mu::data::type::object};
      for (const auto& [k, x] : v.as_object()) d.set(std::string(k), ToData(x));
      return d;
    }
    case boost::json::kind::array: {
      mu::data d{mu::data::type::list};
      for (const auto& x : v.as_array()) d.push_back(ToData(x));
      return d;
    }
    case boost::json::kind::string:
      return mu::data(std::string(v.as_string()));
    case boost::json::kind::bool_:
      return v.as_bool() ? mu::data::type::bool_true : mu::data::type::bool_false;
    case boost::json::kind::null:
      return mu::data(std::string());
    default:
      return mu::data(boost::json::serialize(v));
  }
}

// Parsing a template costs most of a render, so each thread keeps the
// templates it has parsed (a mustache object is not safe to render from two
// threads at once). Keyed by the set's generation, so a set loaded later
// never sees another's templates.
Result<std::string> RenderOne(uint64_t generation, const std::string& file, const std::string& text,
                              const mu::data& data, bool escape_html) {
  thread_local std::map<std::pair<uint64_t, std::string>, std::unique_ptr<mu::mustache>> parsed;
  auto& tmpl = parsed[{generation, file}];
  if (!tmpl) {
    if (parsed.size() > 4096) {  // sets reloaded many times (tests): start again
      parsed.clear();
      return RenderOne(generation, file, text, data, escape_html);
    }
    tmpl = std::make_unique<mu::mustache>(text);
    if (!escape_html) tmpl->set_custom_escape([](const std::string& s) { return s; });
  }
  if (!tmpl->is_valid()) return Status::InvalidArgument(file + ": " + tmpl->error_message());
  std::string out = tmpl->render(data);
  if (!tmpl->is_valid()) {
    std::string error = file + ": " + tmpl->error_message();
    tmpl.reset();  // a render error sticks to the object: parse again next time
    return Status::InvalidArgument(error);
  }
  return out;
}

std::atomic<uint64_t> next_generation{1};

}  // namespace

Result<TemplateSet> TemplateSet::Load(const std::string& override_dir) {
  TemplateSet set;
  set.generation_ = next_generation++;
  for (const auto& [path, text] : EmbeddedFiles()) {
    if (path.rfind(kPrefix, 0) == 0)
      set.files_[path.substr(sizeof(kPrefix) - 1)] = std::string(text);
  }
  if (!override_dir.empty()) {
    std::error_code ec;
    for (const auto& lang : Languages()) {
      auto dir = std::filesystem::path(override_dir) / lang;
      if (!std::filesystem::is_directory(dir, ec)) continue;
      for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
        if (!entry.is_regular_file()) continue;
        std::ifstream in(entry.path(), std::ios::binary);
        std::ostringstream ss;
        ss << in.rdbuf();
        set.files_[lang + "/" + entry.path().filename().string()] = ss.str();
      }
    }
  }
  ATIENDE_RETURN_IF_ERROR(set.Check());
  return set;
}

Status TemplateSet::Check(std::vector<std::string>* problems) const {
  std::vector<std::string> found;
  for (const auto& [file, text] : files_) {
    // "es/directory.test.subject" → event "directory.test"
    size_t slash = file.find('/'), dot = file.rfind('.');
    std::string event = file.substr(slash + 1, dot - slash - 1);
    std::string part = file.substr(dot + 1);
    const MailEvent* e = FindEvent(event);
    if (!e) {
      found.push_back(file + ": no event named " + event);
      continue;
    }
    if (part != "subject" && part != "txt" && part != "html") {
      found.push_back(file + ": the part must be .subject, .txt or .html");
      continue;
    }
    CheckTags(file, text, *e, found);
    mu::mustache tmpl{text};
    if (!tmpl.is_valid()) found.push_back(file + ": " + tmpl.error_message());
  }
  for (const auto& e : Events()) {
    for (const auto& lang : Languages()) {
      for (const char* part : {"subject", "txt"}) {
        if (!files_.count(lang + "/" + e.name + "." + part)) {
          found.push_back(lang + "/" + e.name + "." + part + ": missing");
        }
      }
    }
  }
  if (problems) *problems = found;
  if (!found.empty()) return Status::InvalidArgument(found.front(), "templates");
  return Status::Ok();
}

bool TemplateSet::Has(std::string_view event) const {
  for (const auto& lang : Languages()) {
    std::string base = lang + "/" + std::string(event) + ".";
    if (!files_.count(base + "subject") || !files_.count(base + "txt")) return false;
  }
  return FindEvent(event) != nullptr;
}

Result<Rendered> TemplateSet::Render(std::string_view event, std::string_view lang,
                                     const boost::json::object& vars) const {
  const MailEvent* e = FindEvent(event);
  if (!e) return Status::NotFound("no mail event named " + std::string(event));
  for (const auto& v : e->variables) {
    std::string top = v.substr(0, v.find('.'));
    if (!vars.contains(top)) {
      return Status::InvalidArgument("event " + e->name + " needs variable " + top, "vars");
    }
  }
  std::string base = std::string(lang) + "/" + std::string(event) + ".";
  auto subject = files_.find(base + "subject");
  auto txt = files_.find(base + "txt");
  if (subject == files_.end() || txt == files_.end()) {
    return Status::NotFound("no " + std::string(lang) + " templates for " + std::string(event));
  }
  mu::data data = ToData(vars);
  Rendered r;
  ATIENDE_ASSIGN_OR_RETURN(r.subject,
                           RenderOne(generation_, subject->first, subject->second, data, false));
  r.subject = Trim(r.subject);
  for (char& c : r.subject) {
    if (c == '\r' || c == '\n' || c == '\t') c = ' ';
  }
  ATIENDE_ASSIGN_OR_RETURN(r.text, RenderOne(generation_, txt->first, txt->second, data, false));
  if (auto html = files_.find(base + "html"); html != files_.end()) {
    ATIENDE_ASSIGN_OR_RETURN(r.html, RenderOne(generation_, html->first, html->second, data, true));
  }
  return r;
}

}  // namespace atiende::mail
