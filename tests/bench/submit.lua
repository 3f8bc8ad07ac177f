-- submit.lua - wrk script: every request files a dossier of 1.001193 with one
-- upload (POST /dossiers, multipart), as the citizen of the bench session.
-- The body is built once per thread from:
--   BENCH_PDF     the file to upload (doc_1, application/pdf)
--   BENCH_AGENCY  the commune filed to
--   BENCH_CSRF    the form's csrf token for the pv cookie in BENCH_COOKIE
--   BENCH_COOKIE  "sid=…; pv=…"
-- Only a 303 (to the new dossier) is a success: done() prints the count of
-- any other answer as "Unexpected status answers: N" for run.sh.
local function env(k)
	local v = os.getenv(k)
	assert(v, k .. " is not set")
	return v
end

local f = assert(io.open(env("BENCH_PDF"), "rb"))
local pdf = f:read("*a")
f:close()

local boundary = "----portalbench" .. string.format("%08x", os.time() % 0x7fffffff)
local fields = {
	{ "procedure", "1.001193" },
	{ "agency", env("BENCH_AGENCY") },
	{ "applicant_name", "Nguyễn Thị Lan" },
	{ "applicant_id", "001190012345" },
	{ "applicant_phone", "0912345678" },
	{ "result_channel", "online" },
	{ "csrf", env("BENCH_CSRF") },
}
local parts = {}
for _, kv in ipairs(fields) do
	parts[#parts + 1] = "--" .. boundary .. "\r\nContent-Disposition: form-data; name=\"" ..
		kv[1] .. "\"\r\n\r\n" .. kv[2] .. "\r\n"
end
parts[#parts + 1] = "--" .. boundary ..
	"\r\nContent-Disposition: form-data; name=\"doc_1\"; filename=\"giay-to.pdf\"\r\n" ..
	"Content-Type: application/pdf\r\n\r\n" .. pdf .. "\r\n"
parts[#parts + 1] = "--" .. boundary .. "--\r\n"

wrk.method = "POST"
wrk.body = table.concat(parts)
wrk.headers["Content-Type"] = "multipart/form-data; boundary=" .. boundary
wrk.headers["Cookie"] = env("BENCH_COOKIE")

-- the 303 count, shared with the other write scripts (next to this file)
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "tests/bench/") .. "expect303.lua")
function setup(thread)
	track(thread)
end
