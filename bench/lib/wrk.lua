-- One scenario for wrk: the body and the stop count come from the environment.
wrk.method = "POST"
wrk.body = os.getenv("BENCH_BODY")
wrk.headers["Content-Type"] = "application/json"
wrk.headers["A2A-Version"] = "1.0"

local limit = tonumber(os.getenv("BENCH_LIMIT") or "0")
if limit > 0 then
  local count = 0
  function response(status, headers, body)
    count = count + 1
    -- thread:stop() would idle until -d runs out: report and leave at once instead.
    if count >= limit then
      io.write(string.format(
        'BENCH {"requests":%d,"durationUs":0,"socketErrors":0,"non2xx":0,"p50Us":0,"p99Us":0}\n',
        count))
      io.flush()
      os.exit(0)
    end
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests":%d,"durationUs":%d,"socketErrors":%d,"non2xx":%d,"p50Us":%d,"p99Us":%d}\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(99)))
end
