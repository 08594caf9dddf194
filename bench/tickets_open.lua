-- wrk script for bench/tickets_http.sh: ticket openings, POST /api/v1/tickets.
-- Each request opens an incident for one of the customers 1..N with a service
-- id never used before (a second unclosed ticket for the same customer and
-- service is refused with 409), so every request should answer 201 and, the
-- customers having an e-mail, queue one mail besides the ticket, its call
-- (interaction) and its audit row.
--   ATIENDE_TOKEN        API token (atiende token create)
--   ATIENDE_CUSTOMERS    N: customer ids 1..N are used in rotation
--   ATIENDE_RUN          a tag making service ids unique across runs on one database
--   ATIENDE_NUMBERS_OUT  optional: file that receives the created ticket numbers
--                        (from the Location header), one a line, for tickets_get.lua
-- Prints, after wrk's own report, "wrk_summary ..." (as bench/search.lua) and
-- "wrk_status ..." (count per HTTP status, and one body of the first non-201 answer).

local counter = 0
local threads = {}

function setup(thread)
  thread:set("id", counter)
  table.insert(threads, thread)
  counter = counter + 1
end

function init(args)
  local token = os.getenv("ATIENDE_TOKEN") or ""
  customers = tonumber(os.getenv("ATIENDE_CUSTOMERS") or "1000")
  run = os.getenv("ATIENDE_RUN") or "r"
  headers = {
    ["Authorization"] = "Bearer " .. token,
    ["Content-Type"] = "application/json",
  }
  n = 0
  created = 0
  bad = 0
  statuses = {}
  numbers = {}
  first_error = ""
  categories = { "outage", "degradation", "packet_loss", "saturation", "other" }
end

function request()
  n = n + 1
  -- Threads start apart in the customer rotation.
  local customer = (id * 7919 + n) % customers + 1
  local body = string.format(
    '{"kind":"incident","category":"%s","customer_id":%d,"service_id":"SVC-%s-%d-%d",' ..
    '"subject":"Sin servicio en la sede %d","description":"El enlace no responde desde las 08:10;' ..
    ' ping sin respuesta desde el CPE.","caller":{"name":"Ana Pérez","phone":"+57 601 555 %04d"},' ..
    '"call_notes":"Llamada de prueba de carga"}',
    categories[n % #categories + 1], customer, run, id, n, n % 97, n % 10000)
  return wrk.format("POST", "/api/v1/tickets", headers, body)
end

function response(status, hdrs, body)
  statuses[status] = (statuses[status] or 0) + 1
  if status == 201 then
    created = created + 1
    local loc = hdrs["Location"] or hdrs["location"]
    if loc then numbers[#numbers + 1] = loc:match("([^/]+)$") end
  else
    bad = bad + 1
    if first_error == "" then first_error = tostring(status) .. " " .. string.sub(body or "", 1, 300) end
  end
end

function done(summary, latency, requests)
  local total_bad, total_created, status_total = 0, 0, {}
  local err = ""
  local out_path = os.getenv("ATIENDE_NUMBERS_OUT")
  local out = out_path and out_path ~= "" and assert(io.open(out_path, "w")) or nil
  for _, t in ipairs(threads) do
    total_bad = total_bad + (t:get("bad") or 0)
    total_created = total_created + (t:get("created") or 0)
    for s, c in pairs(t:get("statuses") or {}) do status_total[s] = (status_total[s] or 0) + c end
    if err == "" then err = t:get("first_error") or "" end
    if out then
      for _, num in ipairs(t:get("numbers") or {}) do out:write(num, "\n") end
    end
  end
  if out then out:close() end
  local secs = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    "wrk_summary requests=%d seconds=%.1f rps=%.0f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f" ..
    " p999_ms=%.2f max_ms=%.1f created=%d non2xx=%d timeouts=%d socket_errors=%d\n",
    summary.requests, secs, summary.requests / secs,
    latency:percentile(50) / 1e3, latency:percentile(90) / 1e3, latency:percentile(99) / 1e3,
    latency:percentile(99.9) / 1e3, latency.max / 1e3, total_created, total_bad, e.timeout,
    e.connect + e.read + e.write))
  local parts = {}
  for s, c in pairs(status_total) do parts[#parts + 1] = string.format("%d=%d", s, c) end
  table.sort(parts)
  io.write("wrk_status " .. table.concat(parts, " ") ..
           (err ~= "" and (" first_error=" .. err:gsub("\n", " ")) or "") .. "\n")
end
