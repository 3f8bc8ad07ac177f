-- status.lua - wrk script: every request is one status change on the desk
-- (POST /desk/dossiers/{code}/status, to=2: received), each on another
-- dossier at status 1, since a dossier moves to 2 only once.
--   BENCH_STATUS_CODES  the dossier codes, one a line (all at status 1)
--   BENCH_STAFF_CSRF    the csrf token for the pv cookie in BENCH_STAFF_COOKIE
--   BENCH_STAFF_COOKIE  "ssid=…; pv=…" (a desk officer of the codes' agency)
-- Each wrk thread takes its own slice of the codes (setup() hands out the
-- bounds), so no code is used twice.  A thread that runs out of codes sends
-- the last one again, which answers 409 and so shows as a failure: run.sh
-- files enough dossiers first.  Only a 303 is a success: done() prints
-- "Unexpected status answers: N" for run.sh.
local function env(k)
	local v = os.getenv(k)
	assert(v, k .. " is not set")
	return v
end

local codes = {}
for line in io.lines(env("BENCH_STATUS_CODES")) do
	codes[#codes + 1] = line
end
local body = "to=2&csrf=" .. env("BENCH_STAFF_CSRF")
local headers = {
	["Content-Type"] = "application/x-www-form-urlencoded",
	["Cookie"] = env("BENCH_STAFF_COOKIE"),
}

-- the 303 count, shared with the other write scripts (next to this file)
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "tests/bench/") .. "expect303.lua")

local nthreads = tonumber(os.getenv("BENCH_THREADS_N") or "0")
function setup(thread)
	local k = track(thread) - 1
	local per = math.floor(#codes / nthreads)
	thread:set("first", k * per + 1)
	thread:set("last", (k + 1) * per)
end

local i
function request()
	if i == nil then
		i = first - 1
	end
	if i < last then
		i = i + 1
	end
	return wrk.format("POST", "/desk/dossiers/" .. codes[i] .. "/status", headers, body)
end
