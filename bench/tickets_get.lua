-- wrk script for bench/tickets_http.sh: follow-up by number,
-- GET /api/v1/tickets/{number}, over the numbers tickets_open.lua created.
--   ATIENDE_TOKEN    API token (atiende token create)
--   ATIENDE_NUMBERS  file with one ticket number a line
--   ATIENDE_PATH     instead of the numbers: this one path on every request (the
--                    HTTP baseline, e.g. /healthz)
-- Each thread walks the whole list with a prime stride from its own offset, so
-- consecutive requests hit tickets far apart (not one hot page).
-- Prints "wrk_summary ..." and "wrk_status ..." as tickets_open.lua.

local counter = 0
local threads = {}

function setup(thread)
  thread:set("id", counter)
  table.insert(threads, thread)
  counter = counter + 1
end

function init(args)
  local token = os.getenv("ATIENDE_TOKEN") or ""
  headers = { ["Authorization"] = "Bearer " .. token }
  paths = {}
  local fixed = os.getenv("ATIENDE_PATH")
  if fixed and fixed ~= "" then
    paths[1] = fixed
  else
    local f = assert(io.open(os.getenv("ATIENDE_NUMBERS") or "", "r"), "cannot open ATIENDE_NUMBERS")
    for line in f:lines() do
      if #line > 0 then paths[#paths + 1] = "/api/v1/tickets/" .. line end
    end
    f:close()
    assert(#paths > 0, "ATIENDE_NUMBERS is empty")
  end
  index = (id * 104729) % #paths
  ok = 0
  bad = 0
  statuses = {}
  first_error = ""
end

function request()
  index = (index + 7919) % #paths
  return wrk.format("GET", paths[index + 1], headers)
end

function response(status, hdrs, body)
  statuses[status] = (statuses[status] or 0) + 1
  if status == 200 then
    ok = ok + 1
  else
    bad = bad + 1
    if first_error == "" then first_error = tostring(status) .. " " .. string.sub(body or "", 1, 300) end
  end
end

function done(summary, latency, requests)
  local total_bad, total_ok, status_total, err = 0, 0, {}, ""
  for _, t in ipairs(threads) do
    total_bad = total_bad + (t:get("bad") or 0)
    total_ok = total_ok + (t:get("ok") or 0)
    for s, c in pairs(t:get("statuses") or {}) do status_total[s] = (status_total[s] or 0) + c end
    if err == "" then err = t:get("first_error") or "" end
  end
  local secs = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    "wrk_summary requests=%d seconds=%.1f rps=%.0f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f" ..
    " p999_ms=%.2f max_ms=%.1f ok=%d non2xx=%d timeouts=%d socket_errors=%d\n",
    summary.requests, secs, summary.requests / secs,
    latency:percentile(50) / 1e3, latency:percentile(90) / 1e3, latency:percentile(99) / 1e3,
    latency:percentile(99.9) / 1e3, latency.max / 1e3, total_ok, total_bad, e.timeout,
    e.connect + e.read + e.write))
  local parts = {}
  for s, c in pairs(status_total) do parts[#parts + 1] = string.format("%d=%d", s, c) end
  table.sort(parts)
  io.write("wrk_status " .. table.concat(parts, " ") ..
           (err ~= "" and (" first_error=" .. err:gsub("\n", " ")) or "") .. "\n")
end
