-- wrk script for one-shot logins: POST /login with username, password, csrf
-- and a TOTP code, each expected to answer 303 to /home.
--
-- Every login needs a code the server has not accepted from that user yet
-- (replay protection stores the step of the last accepted code), and its own
-- anonymous session (cookie + csrf token from GET /). bench/web prepares the
-- file BENCH_LOGINS, one login per line:
--
--   username password cookie csrf step code
--
-- with, for each user, codes of several consecutive 30 s steps. A code is
-- accepted within ±1 step of the server's clock and only if its step is newer
-- than the user's last accepted one, so at any moment a user can log in with
-- the step of now or the next one, and gets one login more each step. This
-- script takes, for the next user in turn, the oldest unused code whose step
-- is now or next; each wrk thread takes every BENCH_WRK_THREADS-th user. A
-- moment when no user has such a code left sends GET /no-login-left, which
-- the check counts as a wrong response (the run had too few users).
--
-- Runs on the same file follow each other (the login run, then the mixed
-- run): each records in BENCH_LOGINS .. ".used" the last step it sent per
-- user, and the next run starts after it.

local common = dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")
local PERIOD = 30

local expectation = common.expectation()
local users = {}     -- this thread's users: { name, logins = {...}, next = index of the first unused }
local turn = 0
last_sent = {}       -- user name -> step of the last code sent (read by done() through thread:get)

local function used_file() return os.getenv("BENCH_LOGINS") .. ".used" end

-- user name -> last step sent by earlier runs
local function read_used()
    local used, file = {}, io.open(used_file())
    if file then
        for name, step in file:read("*a"):gmatch("(%S+) (%d+)") do used[name] = tonumber(step) end
        file:close()
    end
    return used
end

function setup(thread) common.setup(thread) end

local function login_request(name, password, cookie, csrf, code)
    return wrk.format("POST", "/login", {
        ["Cookie"] = cookie,
        ["Content-Type"] = "application/x-www-form-urlencoded",
    }, "username=" .. name .. "&password=" .. password .. "&csrf=" .. csrf .. "&code=" .. code .. "&rd=")
end

function init(args)
    common.init()
    local index, count = thread_index, tonumber(os.getenv("BENCH_WRK_THREADS"))
    local by_name, order, used = {}, {}, read_used()
    for line in io.lines(os.getenv("BENCH_LOGINS")) do
        local name, password, cookie, csrf, step, code = line:match("^(%S+) (%S+) (%S+) (%S+) (%d+) (%d+)$")
        step = tonumber(step)
        if not by_name[name] then
            by_name[name] = { name = name, logins = {}, next = 1 }
            table.insert(order, name)
        end
        if step > (used[name] or -1) then
            table.insert(by_name[name].logins, { step = step, request = login_request(name, password, cookie, csrf, code) })
        end
    end
    for i, name in ipairs(order) do
        if (i - 1) % count == index then table.insert(users, by_name[name]) end
    end
end

-- The next login some user can make now, or nil.
local function next_login()
    local now = math.floor(os.time() / PERIOD)
    for _ = 1, #users do
        turn = turn % #users + 1
        local user = users[turn]
        while user.logins[user.next] and user.logins[user.next].step < now do user.next = user.next + 1 end
        local login = user.logins[user.next]
        if login and login.step <= now + 1 then
            user.next = user.next + 1
            last_sent[user.name] = login.step
            return login.request
        end
    end
    return nil
end

function request()
    return next_login() or wrk.format("GET", "/no-login-left")
end

function response(status, headers, body)
    common.record(common.check(expectation, status, headers, body))
end

function done(summary, latency, requests)
    local used = read_used()
    for _, thread in ipairs(common.threads()) do
        for name, step in pairs(thread:get("last_sent") or {}) do used[name] = step end
    end
    local file = assert(io.open(used_file(), "w"))
    for name, step in pairs(used) do file:write(name, " ", step, "\n") end
    file:close()
    common.done(summary, latency)
end
