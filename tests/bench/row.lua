-- row.lua - wrk script for http_row: the status change's request shape (a
-- form POST of the same size) to /bench/row, where tests/bench/fcgi_row.c
-- writes one row a request.  Only a 303 is a success: done() prints
-- "Unexpected status answers: N" for run.sh, as status.lua does.
wrk.method = "POST"
wrk.body = "to=2&csrf=" .. string.rep("0", 43)
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"

local threads = {}
function setup(thread)
	threads[#threads + 1] = thread
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
	print("Unexpected status answers: " .. n)
end
