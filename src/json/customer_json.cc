#include "json/customer_json.h"

#include "core/time_format.h"

namespace atiende::json {

namespace bj = boost::json;

namespace {

Status StringField(const bj::value& v, const std::string& name, std::string& out) {
  if (v.is_null()) {
    out.clear();
    return Status::Ok();
  }
  if (!v.is_string()) return Status::InvalidArgument("must be a string", name);
  out = std::string(v.as_string());
  return Status::Ok();
}

Result<const bj::object*> ObjectOf(const bj::value& v, const std::string& name) {
  if (!v.is_object()) return Status::InvalidArgument("must be an object", name);
  return &v.as_object();
}

// Reads an object of string fields into `fields` (name → destination).
Status ReadStrings(const bj::value& v, const std::string& name,
                   std::initializer_list<std::pair<const char*, std::string*>> fields) {
  ATIENDE_ASSIGN_OR_RETURN(const bj::object* o, ObjectOf(v, name));
  for (const auto& [key, value] : *o) {
    bool known = false;
    for (const auto& [fname, dest] : fields) {
      if (key == fname) {
        ATIENDE_RETURN_IF_ERROR(StringField(value, name + "." + fname, *dest));
        known = true;
      }
    }
    if (!known)
      return Status::InvalidArgument("is not a known field", name + "." + std::string(key));
  }
  return Status::Ok();
}

}  // namespace

bj::object ToJson(const ServiceManager& m) { return {{"name", m.name}, {"contact", m.contact}}; }

bj::array ToJson(const std::vector<CustomerService>& v) {
  bj::array a;
  for (const auto& s : v) {
    bj::object o{
        {"service_id", s.service_id}, {"circuit", s.circuit}, {"description", s.description}};
    if (s.unconfirmed) o["unconfirmed"] = true;  // only then: most services never were
    a.push_back(std::move(o));
  }
  return a;
}

bj::array ToJson(const std::vector<Contact>& v) {
  bj::array a;
  for (const auto& k : v) {
    a.push_back(
        bj::object{{"name", k.name}, {"role", k.role}, {"phone", k.phone}, {"email", k.email}});
  }
  return a;
}

bj::object ToJson(const Customer& c) {
  bj::array blocks;
  for (const auto& b : c.blocks) blocks.emplace_back(b);
  bj::object o{{"id", c.id},
               {"desk", c.desk},
               {"code", c.code},
               {"legal_name", c.legal_name},
               {"group", c.group},
               {"technology", c.technology},
               {"tax_id", c.tax_id},
               {"region", c.region},
               {"segment", c.segment},
               {"blocks", std::move(blocks)},
               {"email", c.email},
               {"phone", c.phone},
               {"service_manager", ToJson(c.service_manager)},
               {"services", ToJson(c.services)},
               {"contacts", ToJson(c.contacts)},
               {"version", c.version},
               {"created_at", FormatInstant(c.created_at)},
               {"updated_at", FormatInstant(c.updated_at)}};
  o["criticality"] = c.criticality ? bj::value(*c.criticality) : bj::value(nullptr);
  return o;
}

Result<ServiceManager> ServiceManagerFromJson(const bj::value& v) {
  ServiceManager m;
  if (v.is_null()) return m;
  ATIENDE_RETURN_IF_ERROR(
      ReadStrings(v, "service_manager", {{"name", &m.name}, {"contact", &m.contact}}));
  return m;
}

Result<std::vector<CustomerService>> ServicesFromJson(const bj::value& v) {
  std::vector<CustomerService> out;
  if (v.is_null()) return out;
  if (!v.is_array()) return Status::InvalidArgument("must be an array", "services");
  for (const auto& item : v.as_array()) {
    CustomerService s;
    std::string name = "services[" + std::to_string(out.size()) + "]";
    // "unconfirmed" (a service a caller named, app/tickets.h) is a flag, the rest text.
    bj::value rest = item;
    if (auto* o = rest.if_object(); o && o->contains("unconfirmed")) {
      const bj::value& u = o->at("unconfirmed");
      if (!u.is_bool() && !u.is_null()) {
        return Status::InvalidArgument("must be true or false", name + ".unconfirmed");
      }
      s.unconfirmed = u.is_bool() && u.as_bool();
      o->erase("unconfirmed");
    }
    ATIENDE_RETURN_IF_ERROR(ReadStrings(
        rest, name,
        {{"service_id", &s.service_id}, {"circuit", &s.circuit}, {"description", &s.description}}));
    out.push_back(std::move(s));
  }
  return out;
}

Result<std::vector<Contact>> ContactsFromJson(const bj::value& v) {
  std::vector<Contact> out;
  if (v.is_null()) return out;
  if (!v.is_array()) return Status::InvalidArgument("must be an array", "contacts");
  for (const auto& item : v.as_array()) {
    Contact k;
    std::string name = "contacts[" + std::to_string(out.size()) + "]";
    ATIENDE_RETURN_IF_ERROR(ReadStrings(
        item, name,
        {{"name", &k.name}, {"role", &k.role}, {"phone", &k.phone}, {"email", &k.email}}));
    out.push_back(std::move(k));
  }
  return out;
}

Status ApplyCustomerJson(const bj::object& in, Customer& c) {
  for (const auto& [key, v] : in) {
    std::string k(key);
    if (k == "legal_name")
      ATIENDE_RETURN_IF_ERROR(StringField(v, k, c.legal_name));
    else if (k == "code")
      ATIENDE_RETURN_IF_ERROR(StringField(v, k, c.code));
    else if (k == "group")
      ATIENDE_RETURN_IF_ERROR(StringField(v, k, c.group));
    else if (k == "technology")
      ATIENDE_RETURN_IF_ERROR(StringField(v, k, c.technology));
    else if (k == "tax_id")
      ATIENDE_RETURN_IF_ERROR(StringField(v, k, c.tax_id));
    else if (k == "region")
      ATIENDE_RETURN_IF_ERROR(StringField(v, k, c.region));
    else if (k == "segment")
      ATIENDE_RETURN_IF_ERROR(StringField(v, k, c.segment));
    else if (k == "email")
      ATIENDE_RETURN_IF_ERROR(StringField(v, k, c.email));
    else if (k == "phone")
      ATIENDE_RETURN_IF_ERROR(StringField(v, k, c.phone));
    else if (k == "criticality") {
      if (v.is_null())
        c.criticality.reset();
      else if (v.is_string())
        c.criticality = std::string(v.as_string());
      else
        return Status::InvalidArgument("must be \"Prioritario\" or null", k);
    } else if (k == "blocks") {
      if (!v.is_array()) return Status::InvalidArgument("must be an array of strings", k);
      c.blocks.clear();
      for (const auto& b : v.as_array()) {
        if (!b.is_string()) return Status::InvalidArgument("must be an array of strings", k);
        c.blocks.emplace_back(b.as_string());
      }
    } else if (k == "service_manager") {
      ATIENDE_ASSIGN_OR_RETURN(c.service_manager, ServiceManagerFromJson(v));
    } else if (k == "services") {
      ATIENDE_ASSIGN_OR_RETURN(c.services, ServicesFromJson(v));
    } else if (k == "contacts") {
      ATIENDE_ASSIGN_OR_RETURN(c.contacts, ContactsFromJson(v));
    } else if (k == "desk") {
      // Set once, when created; a change is refused where the customer is saved.
      ATIENDE_RETURN_IF_ERROR(StringField(v, k, c.desk));
    } else if (k == "id" || k == "version" || k == "created_at" || k == "updated_at") {
      // Read-only fields are accepted (a client may send back what it got) and ignored.
    } else {
      return Status::InvalidArgument("is not a known field", k);
    }
  }
  return Status::Ok();
}

Result<bj::value> Parse(std::string_view text) {
  bj::parse_options opt;
  opt.max_depth = 32;
  boost::system::error_code ec;
  bj::stream_parser p({}, opt);
  p.write(text.data(), text.size(), ec);
  if (!ec) p.finish(ec);
  if (ec) return Status::InvalidArgument("request body is not valid JSON: " + ec.message(), "body");
  return p.release();
}

}  // namespace atiende::json
