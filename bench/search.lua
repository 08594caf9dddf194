-- wrk script for bench/run.sh: GET /api/v1/customers?q=...&limit=20 with the
-- queries of queries.tsv (bench/gen_customers.py), in file order, each thread
-- starting at a different offset, with a Bearer token.
--   ATIENDE_QUERIES  path of queries.tsv
--   ATIENDE_TOKEN    API token (atiende token create)
-- Prints, after wrk's own report, a line "wrk_summary ..." for run.sh.

local counter = 0
local threads = {}

local function urlencode(s)
  return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

function setup(thread)
  thread:set("id", counter)
  table.insert(threads, thread)
  counter = counter + 1
end

function init(args)
  local path = os.getenv("ATIENDE_QUERIES")
  local token = os.getenv("ATIENDE_TOKEN") or ""
  paths = {}
  local f = assert(io.open(path, "r"), "cannot open ATIENDE_QUERIES")
  f:read("*l")  -- header
  for line in f:lines() do
    local q = line:match("^[^\t]*\t([^\t]*)\t")
    if q and #q > 0 then
      table.insert(paths, "/api/v1/customers?limit=20&q=" .. urlencode(q))
    end
  end
  f:close()
  headers = { ["Authorization"] = "Bearer " .. token }
  index = (id * 7919) % #paths  -- threads start apart
  non2xx = 0
end

function request()
  index = index % #paths + 1
  return wrk.format("GET", paths[index], headers)
end

function response(status, headers, body)
  if status ~= 200 then non2xx = non2xx + 1 end
end

function done(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do bad = bad + (t:get("non2xx") or 0) end
  local secs = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    "wrk_summary requests=%d seconds=%.1f rps=%.0f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f" ..
    " p999_ms=%.2f max_ms=%.1f non2xx=%d timeouts=%d socket_errors=%d\n",
    summary.requests, secs, summary.requests / secs,
    latency:percentile(50) / 1e3, latency:percentile(90) / 1e3, latency:percentile(99) / 1e3,
    latency:percentile(99.9) / 1e3, latency.max / 1e3, bad, e.timeout,
    e.connect + e.read + e.write))
end
