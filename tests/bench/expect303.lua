-- expect303.lua - what the write scripts (submit, status, row) share: each
-- answer but the 303 a write route gives is counted (wrk itself counts only
-- >= 400), and done() prints "Unexpected status answers: N" for run.sh.
-- A script loads it with dofile(), then calls track(thread) in its setup().
local threads = {}
function track(thread)
	threads[#threads + 1] = thread
	return #threads
end

unexpected = 0
function response(status, headers, body)
	if status ~= 303 then
		unexpected = unexpected + 1
	end
end

function done(summary, latency, requests)
	local n = 0
	for _, t in ipairs(threads) do
		n = n + t:get("unexpected")
	end
	io.write(string.format("Unexpected status answers: %d\n", n))
end
