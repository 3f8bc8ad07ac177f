-- row.lua - wrk script for http_row: the status change's request shape (a
-- form POST of the same size) to /bench/row, where tests/bench/fcgi_row.c
-- writes one row a request.  Only a 303 is a success: done() prints
-- "Unexpected status answers: N" for run.sh, as status.lua does.
wrk.method = "POST"
wrk.body = "to=2&csrf=" .. string.rep("0", 43)
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"

-- the 303 count, shared with the other write scripts (next to this file)
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "tests/bench/") .. "expect303.lua")
function setup(thread)
	track(thread)
end
