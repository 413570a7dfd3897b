-- wrk script for one route: sends the same request each time and checks every
-- response, so a run that is fast because it answers wrongly shows up.
--
-- Set through the environment (bench/web sets them):
--   BENCH_METHOD   request method (default GET)
--   BENCH_COOKIE   Cookie header to send (default none)
--   BENCH_STATUS   the status every response must have (default 200)
--   BENCH_BODY     a string the body must contain (default: no check)
--   BENCH_HEADER   "Name: text": that header must contain text (name case-insensitive)
--
-- done() prints one line, `result {json}`, with the request rate, latency
-- percentiles, wrk's own error counts, the number of wrong responses and the
-- first few of them.

local common = dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")

wrk.method = os.getenv("BENCH_METHOD") or "GET"
local cookie = os.getenv("BENCH_COOKIE")
if cookie and cookie ~= "" then wrk.headers["Cookie"] = cookie end

local expectation = common.expectation()

function setup(thread) common.setup(thread) end

function init(args) common.init() end

function response(status, headers, body)
    common.record(common.check(expectation, status, headers, body))
end

function done(summary, latency, requests) common.done(summary, latency) end
