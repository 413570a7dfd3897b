-- Shared by check.lua and login.lua: the response check, the per-thread
-- tally of wrong responses, and the `result {json}` line done() prints.
local common = {}

local threads = {}
local SAMPLES = 3  -- wrong responses kept per thread for the report

-- What a right response looks like, from BENCH_STATUS, BENCH_BODY, BENCH_HEADER.
function common.expectation()
    local header = os.getenv("BENCH_HEADER")
    local name, text
    if header and header ~= "" then name, text = header:match("^([^:]+):%s*(.*)$") end
    return {
        status = tonumber(os.getenv("BENCH_STATUS") or "200"),
        body = os.getenv("BENCH_BODY"),
        header_name = name and name:lower(),
        header_text = text,
    }
end

-- nil when the response is right, else a one-line description of what is wrong.
function common.check(expected, status, headers, body)
    if status ~= expected.status then
        return string.format("status %d, not %d: %s", status, expected.status, (body or ""):sub(1, 120))
    end
    if expected.body and expected.body ~= "" and not (body or ""):find(expected.body, 1, true) then
        return string.format("body lacks %q: %s", expected.body, (body or ""):sub(1, 120))
    end
    if expected.header_name then
        local value
        for name, v in pairs(headers) do
            if name:lower() == expected.header_name then value = v end
        end
        if not value or not value:find(expected.header_text, 1, true) then
            return string.format("header %s is %q, wanted %q", expected.header_name, tostring(value), expected.header_text)
        end
    end
    return nil
end

function common.setup(thread)
    thread:set("thread_index", #threads)  -- 0-based; init() may use it to take its share of the work
    table.insert(threads, thread)
end

-- The threads setup() saw, for done() to read their globals.
function common.threads() return threads end

function common.init()
    checked, wrong, samples = 0, 0, ""
end

-- Counts one response, keeping the first few wrong ones.
function common.record(problem)
    checked = checked + 1
    if problem then
        wrong = wrong + 1
        if wrong <= SAMPLES then samples = samples .. problem:gsub("[%c\"\\]", " ") .. "\n" end
    end
end

local function json_string(s) return '"' .. s:gsub('[%c"\\]', " ") .. '"' end

function common.done(summary, latency)
    local checked_total, wrong_total, sample_list = 0, 0, {}
    for _, thread in ipairs(threads) do
        checked_total = checked_total + (thread:get("checked") or 0)
        wrong_total = wrong_total + (thread:get("wrong") or 0)
        for line in (thread:get("samples") or ""):gmatch("[^\n]+") do table.insert(sample_list, json_string(line)) end
    end
    local e = summary.errors
    io.write(string.format(
        'result {"requests": %d, "duration_us": %d, "rps": %.1f, "p50_us": %d, "p90_us": %d, "p99_us": %d, ' ..
        '"max_us": %d, "checked": %d, "wrong": %d, "socket_errors": %d, "timeouts": %d, "samples": [%s]}\n',
        summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
        latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
        checked_total, wrong_total, e.connect + e.read + e.write, e.timeout, table.concat(sample_list, ", ")))
end

return common
