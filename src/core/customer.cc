#include "core/customer.h"

#include <algorithm>

#include "core/text.h"

namespace atiende {

namespace {

std::string Trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && static_cast<unsigned char>(s[b]) <= ' ') ++b;
  while (e > b && static_cast<unsigned char>(s[e - 1]) <= ' ') --e;
  return std::string(s.substr(b, e - b));
}

Status CheckText(std::string& value, const char* field, size_t limit) {
  value = Trim(value);
  if (value.size() > limit) {
    return Status::InvalidArgument("is longer than " + std::to_string(limit) + " bytes", field);
  }
  if (!text::IsValidUtf8(value)) return Status::InvalidArgument("is not valid UTF-8", field);
  for (char ch : value) {
    bool line_break = ch == '\n' || ch == '\r' || ch == '\t';  // kept: cells may wrap lines
    if ((static_cast<unsigned char>(ch) < 0x20 && !line_break) || ch == 0x7f) {
      return Status::InvalidArgument("must not contain control characters", field);
    }
  }
  return Status::Ok();
}

bool LooksLikeEmail(std::string_view e) {
  size_t at = e.find('@');
  return at != std::string_view::npos && at > 0 && at + 1 < e.size() &&
         e.find('@', at + 1) == std::string_view::npos &&
         e.find('.', at) != std::string_view::npos && e.find(' ') == std::string_view::npos;
}

}  // namespace

bool Customer::HasBlock(std::string_view block) const {
  return std::find(blocks.begin(), blocks.end(), block) != blocks.end();
}

bool Customer::SameData(const Customer& o) const {
  return code == o.code && legal_name == o.legal_name && group == o.group &&
         criticality == o.criticality && technology == o.technology && tax_id == o.tax_id &&
         region == o.region && segment == o.segment && blocks == o.blocks && email == o.email &&
         phone == o.phone && service_manager == o.service_manager && services == o.services &&
         contacts == o.contacts;
}

Status NormalizeCustomer(Customer& c) {
  ATIENDE_RETURN_IF_ERROR(CheckText(c.legal_name, "legal_name", kMaxNameBytes));
  if (c.legal_name.empty()) return Status::InvalidArgument("is required", "legal_name");
  ATIENDE_RETURN_IF_ERROR(CheckText(c.code, "code", 64));
  ATIENDE_RETURN_IF_ERROR(CheckText(c.group, "group", kMaxNameBytes));
  ATIENDE_RETURN_IF_ERROR(CheckText(c.technology, "technology", kMaxFieldBytes));
  ATIENDE_RETURN_IF_ERROR(CheckText(c.tax_id, "tax_id", 64));
  ATIENDE_RETURN_IF_ERROR(CheckText(c.region, "region", kMaxFieldBytes));
  ATIENDE_RETURN_IF_ERROR(CheckText(c.segment, "segment", 64));
  ATIENDE_RETURN_IF_ERROR(CheckText(c.email, "email", kMaxFieldBytes));
  ATIENDE_RETURN_IF_ERROR(CheckText(c.phone, "phone", 64));
  ATIENDE_RETURN_IF_ERROR(
      CheckText(c.service_manager.name, "service_manager.name", kMaxFieldBytes));
  ATIENDE_RETURN_IF_ERROR(
      CheckText(c.service_manager.contact, "service_manager.contact", kMaxFieldBytes));
  if (!c.email.empty() && !LooksLikeEmail(c.email)) {
    return Status::InvalidArgument("is not an e-mail address", "email");
  }
  if (c.criticality) {
    std::string crit = text::Fold(*c.criticality);
    if (crit.empty()) {
      c.criticality.reset();
    } else if (crit == "prioritario") {
      c.criticality = kCriticalityPriority;
    } else {
      return Status::InvalidArgument("must be \"Prioritario\" or empty", "criticality");
    }
  }
  if (c.blocks.size() > 16) return Status::InvalidArgument("has too many blocks", "blocks");
  for (auto& b : c.blocks) {
    b = Trim(b);
    bool ok = !b.empty() && b.size() <= 16 && std::all_of(b.begin(), b.end(), [](char ch) {
      return (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_';
    });
    if (!ok)
      return Status::InvalidArgument("\"" + b + "\" is not a block code like \"ZB\"", "blocks");
  }
  std::sort(c.blocks.begin(), c.blocks.end());
  c.blocks.erase(std::unique(c.blocks.begin(), c.blocks.end()), c.blocks.end());
  if (c.services.size() > kMaxListItems) return Status::InvalidArgument("too many", "services");
  if (c.contacts.size() > kMaxListItems) return Status::InvalidArgument("too many", "contacts");
  for (size_t i = 0; i < c.services.size(); ++i) {
    auto& s = c.services[i];
    std::string f = "services[" + std::to_string(i) + "]";
    ATIENDE_RETURN_IF_ERROR(CheckText(s.service_id, (f + ".service_id").c_str(), 64));
    ATIENDE_RETURN_IF_ERROR(CheckText(s.circuit, (f + ".circuit").c_str(), 64));
    ATIENDE_RETURN_IF_ERROR(CheckText(s.description, (f + ".description").c_str(), kMaxFieldBytes));
  }
  for (size_t i = 0; i < c.contacts.size(); ++i) {
    auto& k = c.contacts[i];
    std::string f = "contacts[" + std::to_string(i) + "]";
    ATIENDE_RETURN_IF_ERROR(CheckText(k.name, (f + ".name").c_str(), kMaxFieldBytes));
    ATIENDE_RETURN_IF_ERROR(CheckText(k.role, (f + ".role").c_str(), kMaxFieldBytes));
    ATIENDE_RETURN_IF_ERROR(CheckText(k.phone, (f + ".phone").c_str(), 64));
    ATIENDE_RETURN_IF_ERROR(CheckText(k.email, (f + ".email").c_str(), kMaxFieldBytes));
    if (!k.email.empty() && !LooksLikeEmail(k.email)) {
      return Status::InvalidArgument("is not an e-mail address", f + ".email");
    }
  }
  return Status::Ok();
}

}  // namespace atiende
