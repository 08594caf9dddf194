#include "json/telephony_json.h"

#include "core/time_format.h"
#include "json/strings_json.h"
#include "store/time_columns.h"

namespace atiende::json {

namespace bj = boost::json;

namespace {

bj::array CallStrings(const std::vector<std::string>& v) {
  bj::array a;
  for (const auto& s : v) a.emplace_back(s);
  return a;
}

std::vector<std::string> CallStringsOf(const bj::object& o, std::string_view key) {
  std::vector<std::string> out;
  if (const auto* v = o.if_contains(key); v && v->is_array()) {
    for (const auto& e : v->as_array()) {
      if (e.is_string()) out.emplace_back(e.as_string());
    }
  }
  return out;
}

std::string CallText(const bj::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

bj::value CallMicros(const std::optional<TimePoint>& t) {
  return t ? bj::value(Us(*t)) : bj::value(nullptr);
}

std::optional<TimePoint> CallMicrosOf(const bj::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (!v || !v->is_int64()) return std::nullopt;
  return At(v->as_int64());
}

bj::value CallInstant(const std::optional<TimePoint>& t) {
  return t ? bj::value(FormatInstant(*t)) : bj::value(nullptr);
}

bj::value CallSeconds(const std::optional<int64_t>& s) {
  return s ? bj::value(*s) : bj::value(nullptr);
}

}  // namespace

std::string TelephonyCallDoc(const TelephonyCall& c) {
  bj::object o{{"call_id", c.call_id},
               {"direction", c.direction},
               {"from", c.from},
               {"to", c.to},
               {"queue", c.queue},
               {"ringing", CallStrings(c.ringing)},
               {"answered_by", c.answered_by},
               {"transferred_to", c.transferred_to},
               {"ringing_at", CallMicros(c.ringing_at)},
               {"answered_at", CallMicros(c.answered_at)},
               {"ended_at", CallMicros(c.ended_at)},
               {"cause", c.cause},
               {"seen", CallStrings(c.seen)},
               {"events", c.events},
               {"handled_at", CallMicros(c.handled_at)},
               {"handled_by", c.handled_by}};
  if (c.interaction_id) o["interaction_id"] = *c.interaction_id;
  return bj::serialize(o);
}

Result<TelephonyCall> TelephonyCallFromDoc(std::string_view doc) {
  boost::system::error_code ec;
  bj::value v = bj::parse(doc, ec);
  if (ec || !v.is_object()) return Status::Internal("a telephony call's document is not JSON");
  const bj::object& o = v.as_object();
  TelephonyCall c;
  c.call_id = CallText(o, "call_id");
  c.direction = CallText(o, "direction");
  c.from = CallText(o, "from");
  c.to = CallText(o, "to");
  c.queue = CallText(o, "queue");
  c.ringing = CallStringsOf(o, "ringing");
  c.answered_by = CallText(o, "answered_by");
  c.transferred_to = CallText(o, "transferred_to");
  c.ringing_at = CallMicrosOf(o, "ringing_at");
  c.answered_at = CallMicrosOf(o, "answered_at");
  c.ended_at = CallMicrosOf(o, "ended_at");
  c.cause = CallText(o, "cause");
  c.seen = CallStringsOf(o, "seen");
  if (const auto* n = o.if_contains("events"); n && n->is_int64()) {
    c.events = static_cast<int>(n->as_int64());
  }
  if (const auto* n = o.if_contains("interaction_id"); n && n->is_int64()) {
    c.interaction_id = n->as_int64();
  }
  c.handled_at = CallMicrosOf(o, "handled_at");
  c.handled_by = CallText(o, "handled_by");
  return c;
}

bj::object TelephonyCallJson(const TelephonyCall& c) {
  bj::object o{{"id", c.id},
               {"desk", c.desk},
               {"call_id", c.call_id},
               {"state", StateOf(c)},
               {"direction", OrNull(c.direction)},
               {"from", OrNull(c.from)},
               {"to", OrNull(c.to)},
               {"queue", OrNull(c.queue)},
               {"ringing", CallStrings(c.ringing)},
               {"answered_by", OrNull(c.answered_by)},
               {"transferred_to", OrNull(c.transferred_to)},
               {"ringing_at", CallInstant(c.ringing_at)},
               {"answered_at", CallInstant(c.answered_at)},
               {"ended_at", CallInstant(c.ended_at)},
               {"wait_seconds", CallSeconds(WaitSeconds(c))},
               {"talk_seconds", CallSeconds(TalkSeconds(c))},
               {"cause", OrNull(c.cause)},
               {"handled_at", CallInstant(c.handled_at)},
               {"handled_by", OrNull(c.handled_by)}};
  o["interaction_id"] = c.interaction_id ? bj::value(*c.interaction_id) : bj::value(nullptr);
  return o;
}

}  // namespace atiende::json
