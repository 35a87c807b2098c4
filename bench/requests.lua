-- Requests for wrk from a file of lines "METHOD<TAB>PATH<TAB>BODY", taken in turn.
-- "{n}" in a body becomes a value unique to the run, so repeated writes never collide.
local threads = 0

function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end

function init(args)
  local count = tonumber(os.getenv("BENCH_THREADS") or "1")
  headers = {
    ["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN"),
    ["Content-Type"] = "application/json",
  }
  lines = {}
  local index = 0
  for line in io.lines(os.getenv("BENCH_REQUESTS")) do
    if index % count == id then
      table.insert(lines, line)
    end
    index = index + 1
  end
  -- wrk calls request() once per thread before it connects and drops that request: let
  -- that call take the last line, so the first request sent is the first line.
  position = #lines - 1
  serial = 0
  prefix = (os.getenv("BENCH_TAG") or "run") .. "-" .. id .. "-"
end

function request()
  position = position % #lines + 1
  serial = serial + 1
  local method, path, body = lines[position]:match("^(%S+)\t([^\t]*)\t?(.*)$")
  body = body:gsub("{n}", prefix .. serial)
  if body == "" then
    body = nil
  end
  return wrk.format(method, path, headers, body)
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'BENCH {"requests": %d, "duration_us": %d, "non_2xx": %d, "socket_errors": %d, '
      .. '"p50_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration, errors.status,
    errors.connect + errors.read + errors.write + errors.timeout,
    latency:percentile(50), latency:percentile(99), latency.max
  ))
end
