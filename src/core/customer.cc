#include "core/customer.h"

#include <algorithm>

#include "core/field.h"
#include "core/text.h"

namespace atiende {

bool Customer::HasBlock(std::string_view block) const {
  return std::find(blocks.begin(), blocks.end(), block) != blocks.end();
}

std::string Customer::MailAddress() const {
  if (!email.empty()) return email;
  for (const auto& k : contacts) {
    if (!k.email.empty()) return k.email;
  }
  return "";
}

bool Customer::SameData(const Customer& o) const {
  return code == o.code && legal_name == o.legal_name && group == o.group &&
         criticality == o.criticality && technology == o.technology && tax_id == o.tax_id &&
         region == o.region && segment == o.segment && blocks == o.blocks && email == o.email &&
         phone == o.phone && service_manager == o.service_manager && services == o.services &&
         contacts == o.contacts;
}

Status NormalizeCustomer(Customer& c) {
  ATIENDE_RETURN_IF_ERROR(CheckName(c.legal_name, "legal_name", kMaxNameBytes));
  if (c.legal_name.empty()) return Status::InvalidArgument("is required", "legal_name");
  ATIENDE_RETURN_IF_ERROR(CheckName(c.code, "code", 64));
  ATIENDE_RETURN_IF_ERROR(CheckName(c.group, "group", kMaxNameBytes));
  ATIENDE_RETURN_IF_ERROR(CheckText(c.technology, "technology", kMaxFieldBytes));
  ATIENDE_RETURN_IF_ERROR(CheckName(c.tax_id, "tax_id", 64));
  ATIENDE_RETURN_IF_ERROR(CheckName(c.region, "region", kMaxFieldBytes));
  ATIENDE_RETURN_IF_ERROR(CheckName(c.segment, "segment", 64));
  ATIENDE_RETURN_IF_ERROR(CheckName(c.email, "email", kMaxFieldBytes));
  ATIENDE_RETURN_IF_ERROR(CheckName(c.phone, "phone", 64));
  ATIENDE_RETURN_IF_ERROR(
      CheckName(c.service_manager.name, "service_manager.name", kMaxFieldBytes));
  ATIENDE_RETURN_IF_ERROR(
      CheckName(c.service_manager.contact, "service_manager.contact", kMaxFieldBytes));
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
    ATIENDE_RETURN_IF_ERROR(CheckName(s.service_id, (f + ".service_id").c_str(), 64));
    ATIENDE_RETURN_IF_ERROR(CheckName(s.circuit, (f + ".circuit").c_str(), 64));
    ATIENDE_RETURN_IF_ERROR(CheckText(s.description, (f + ".description").c_str(), kMaxFieldBytes));
  }
  for (size_t i = 0; i < c.contacts.size(); ++i) {
    auto& k = c.contacts[i];
    std::string f = "contacts[" + std::to_string(i) + "]";
    ATIENDE_RETURN_IF_ERROR(CheckName(k.name, (f + ".name").c_str(), kMaxFieldBytes));
    ATIENDE_RETURN_IF_ERROR(CheckName(k.role, (f + ".role").c_str(), kMaxFieldBytes));
    ATIENDE_RETURN_IF_ERROR(CheckName(k.phone, (f + ".phone").c_str(), 64));
    ATIENDE_RETURN_IF_ERROR(CheckName(k.email, (f + ".email").c_str(), kMaxFieldBytes));
    if (!k.email.empty() && !LooksLikeEmail(k.email)) {
      return Status::InvalidArgument("is not an e-mail address", f + ".email");
    }
  }
  return Status::Ok();
}

Status CheckServiceIds(const Customer& c) {
  for (size_t i = 0; i < c.services.size(); ++i) {
    const auto& s = c.services[i];
    std::string f = "services[" + std::to_string(i) + "].service_id";
    // Tickets name a service by its id (or, from the import, its circuit).
    if (s.service_id.empty() && s.circuit.empty()) {
      return Status::InvalidArgument("is required (or a circuit)", f);
    }
    for (size_t j = 0; j < i && !s.service_id.empty(); ++j) {
      if (c.services[j].service_id == s.service_id) {
        return Status::InvalidArgument(
            "\"" + s.service_id + "\" is already services[" + std::to_string(j) + "]", f);
      }
    }
  }
  return Status::Ok();
}

}  // namespace atiende
