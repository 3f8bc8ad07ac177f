-- ipn.lua - wrk script: every request is another bank callback, each a
-- distinct signed success for its own pending attempt (pre-signed by
-- tests/bench/payment_setup.py: wrk's Lua has no HMAC).  The lines are
-- dealt out between wrk's threads so no two threads send the same one;
-- a thread that runs out starts over, and its repeats answer 02 (the run
-- reports how many of each it got).
local counter = 0
function setup(thread)
	thread:set("id", counter)
	counter = counter + 1
end

local paths = {}
local i = 0
function init(args)
	local n, k = tonumber(os.getenv("BENCH_THREADS") or "2"), 0
	for line in io.lines(os.getenv("BENCH_IPN")) do
		if k % n == id then
			paths[#paths + 1] = line
		end
		k = k + 1
	end
end

request = function()
	i = i % #paths + 1
	return wrk.format("GET", paths[i])
end
